"""Celery tasks: primitive ids in, one service call, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from .services import promise_mark_overdue_broken


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def promise_mark_overdue_broken_task() -> dict[str, int]:
    """Nightly (00:05 Beijing time): close promises past due date + grace."""
    return promise_mark_overdue_broken()


@shared_task(time_limit=60 * 60, soft_time_limit=55 * 60)
def allocation_run_task(run_id: int | None = None) -> dict[str, object]:
    """Execute allocation run ``run_id`` (DOMAIN.md "Allocation"); without ``run_id`` (nightly beat
    at 07:00 Beijing time) create a run for the system. Safe to run twice: a succeeded run is left
    as it is. Returns ``{"run_id", "status"}``; a run id that does not exist is logged and skipped."""
    import logging

    from .models import AllocationRun
    from .services.allocation import allocation_run

    if run_id is not None and not AllocationRun.objects.filter(pk=run_id).exists():
        logging.getLogger(__name__).warning("allocation run %s does not exist; nothing to do", run_id)
        return {"run_id": run_id, "status": "missing"}
    run = allocation_run(run_id=run_id)
    return {"run_id": run.pk, "status": run.status}


@shared_task(time_limit=4 * 60 * 60, soft_time_limit=4 * 60 * 60 - 300, acks_late=True)
def placement_run_task(placement_id: int) -> dict[str, object]:
    """Import placement ``placement_id`` (``collections_app.services.placements.placement_run``).
    Safe to run twice: a succeeded placement is left as it is, a failed or dead one is re-run.
    Returns ``{"placement_id", "status"}``; a placement that does not exist is logged and skipped."""
    import logging

    from .models import Placement
    from .services.placements import placement_run

    if not Placement.objects.filter(pk=placement_id).exists():
        logging.getLogger(__name__).warning("placement %s does not exist; nothing to do", placement_id)
        return {"placement_id": placement_id, "status": "missing"}
    placement = placement_run(placement_id=placement_id)
    return {"placement_id": placement.pk, "status": placement.status}
