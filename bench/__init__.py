"""Benchmarks (not tests): ``make bench`` → ``python -m bench [NAME …] [options]``.

Every figure is a ratio to a limit measured in the same run on the same data (QUALITY.md
"Benchmarks"). Benchmarks run against PostgreSQL only, in a database of their own
(``collections_bench``, created and dropped here) on the server named by ``DATABASE_URL``.
Shared helpers for the sub-benchmarks live here; the registry is in ``bench/__main__.py``.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "collections_bench"
REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


class BenchRefused(SystemExit):
    """Raised (exit code 2) when the benchmark cannot run here, with the reason."""

    def __init__(self, message: str) -> None:
        print(message, file=sys.stderr)
        super().__init__(2)


def bench_database_url() -> str:
    """``DATABASE_URL`` with the database name replaced by :data:`BENCH_DATABASE`; refuses SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise BenchRefused(
            "The benchmarks need PostgreSQL: set DATABASE_URL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections make bench. They do not run on SQLite "
            "(the limit they measure is PostgreSQL's COPY)."
        )
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + BENCH_DATABASE, parts.query, parts.fragment))


def _maintenance_connection():
    import psycopg

    parts = urlsplit(bench_database_url())
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres", autocommit=True,
    )


def create_bench_database() -> None:
    """Drop and create :data:`BENCH_DATABASE`, point Django at it, set Django up and migrate."""
    with _maintenance_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        if os.environ.get("BENCH_PG_LOG_MS"):  # log slower statements to the server log, to see where time goes
            conn.execute(f'ALTER DATABASE "{BENCH_DATABASE}" SET log_min_duration_statement = {int(os.environ["BENCH_PG_LOG_MS"])}')
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ["DJANGO_DEBUG"] = "0"  # no query log: a million-row run would keep every statement
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop_bench_database() -> None:
    from django.db import connections

    connections.close_all()
    with _maintenance_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def machine_info() -> dict[str, str]:
    """Date, CPU count, Python and PostgreSQL versions (for the report)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "postgres": server,
        "platform": platform.platform(terse=True),
    }


def write_report_section(name: str, markdown: str) -> None:
    """Replace (or append) the section of ``docs/benchmarks.md`` between
    ``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->``; other benchmarks' sections stay."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else (
        "# Benchmarks\n\nWritten by `make bench` (`python -m bench`). Every figure is a ratio to a limit measured in "
        "the same run on the same data (QUALITY.md \"Benchmarks\"); absolute times vary with the machine.\n"
    )
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    REPORT.write_text(text, encoding="utf-8")
