"""Who may open which page, and the decorator every collections view uses.

Pages that are not a single resource verb get a row here, built only from the role sets of
``collections_app/permissions.py`` (permissions are data, STYLE.md rule 5):

* ``my_queue`` — the collector's own work queue: the roles that hold cases themselves (``CASE["claim"]``).
* ``team_queue`` — the team's cases and load: roles that assign cases or oversee allocation
  (``CASE["assign"] | ALLOCATION["view"]``: team lead, supervisor, director, administrator).

The navigation (``common.context_processors.navigation``) reads the same rows, so a link is shown
exactly when the page would open.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from common.permissions import PermissionTable, role_can

from ..permissions import ALLOCATION, CASE

PAGES: dict[str, frozenset[str]] = {
    "my_queue": frozenset(CASE["claim"]),
    "team_queue": frozenset(CASE["assign"]) | frozenset(ALLOCATION["view"]),
}


def role_required(table: PermissionTable, action: str) -> Callable:
    """Anonymous → redirect to the login page; a role without ``action`` in ``table`` → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any):
            if not role_can(request.user, table, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
