"""Local dates. "Today" is the Asia/Shanghai date (settings.TIME_ZONE), never ``timezone.now().date()``
(QUALITY.md field input 6)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The local business date for ``now`` (default: the current instant)."""
    return timezone.localdate(now or timezone.now())


def days_past_due(earliest_unpaid_due_date: dt.date, *, today: dt.date | None = None, paused_days: int = 0) -> int:
    """DPD = business date (local) − earliest unpaid due date − paused days, floored at 0 (DOMAIN.md)."""
    today = today or local_today()
    return max(0, (today - earliest_unpaid_due_date).days - paused_days)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar day as aware datetimes, for filtering timestamp fields
    (QUALITY.md field input 7: 00:30 and 23:59:59 are in, next day's 00:00 is out)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end
