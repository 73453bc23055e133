"""Celery tasks: primitive ids in, one service call, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from .services import promise_mark_overdue_broken


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def promise_mark_overdue_broken_task() -> dict[str, int]:
    """Nightly (00:05 Beijing time): close promises past due date + grace."""
    return promise_mark_overdue_broken()
