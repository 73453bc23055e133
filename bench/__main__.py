"""``python -m bench [NAME …] [options]``: run the named benchmarks (default: all), passing the
options on. Add a benchmark by adding its module to :data:`BENCHMARKS`; the module exposes
``main(argv: list[str]) -> int``."""
from __future__ import annotations

import importlib
import sys

BENCHMARKS: dict[str, str] = {
    "import": "bench.import_bench",
    "allocation": "bench.allocation_bench",
}


def main(argv: list[str]) -> int:
    names = []
    while argv and argv[0] in BENCHMARKS:
        names.append(argv.pop(0))
    if argv and not argv[0].startswith("-"):
        print(f"Unknown benchmark {argv[0]!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names or list(BENCHMARKS):
        status = importlib.import_module(BENCHMARKS[name]).main(list(argv)) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
