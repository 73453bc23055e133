"""Filter pieces shared by every app's FilterSets."""
from __future__ import annotations

from typing import Any

import django_filters as filters

ISO_DATE_FORMATS = ["%Y-%m-%d"]


class IsoDateFilter(filters.DateFilter):
    """A date in a query string, ISO 8601 only (``2024-01-05``), whatever the request's language:
    ``01/05/2024`` is ambiguous and refused (QUALITY.md field input 4), never read the English way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ISO_DATE_FORMATS)
        super().__init__(*args, **kwargs)
