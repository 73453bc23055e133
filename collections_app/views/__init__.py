"""Server-rendered pages of the collections app (Django templates + htmx partials).

Every view: anonymous → login redirect; a role without the action in the tables of
``collections_app/permissions.py`` (read through ``common.permissions.role_can``) → 403; objects
looked up only through ``visible_to`` / ``selectors.case_get`` → out of scope is a 404. Writes go
through the services; refusals come back inline (422 rule / field errors, 409 conflicts).
"""
from .allocation import allocation, allocation_run
from .casework import case_attempt_create, case_detail, case_promise_create, case_reveal, case_timeline_partial
from .placements import placement_detail, placement_list, placement_progress, placement_rejected_csv, placement_upload
from .queues import case_reassign, my_queue, team_queue

__all__ = [
    "allocation", "allocation_run", "case_attempt_create", "case_detail", "case_promise_create", "case_reassign",
    "case_reveal", "case_timeline_partial", "my_queue", "placement_detail", "placement_list", "placement_progress",
    "placement_rejected_csv", "placement_upload", "team_queue",
]
