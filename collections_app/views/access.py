"""Who may open which page, and the decorator every collections view uses.

Pages that are not a single resource verb have a row in ``collections_app.permissions.PAGES``
(permissions are data, STYLE.md rule 5). The navigation (``common.context_processors.navigation``) reads the same rows, so a link is shown
exactly when the page would open.
"""
from __future__ import annotations

from common.permissions import role_required

from ..permissions import PAGES

__all__ = ["PAGES", "role_required"]
