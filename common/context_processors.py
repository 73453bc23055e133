"""Template context shared by every page: the navigation the current role may use."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from teams.choices import Role

_NAV = [
    # (url name, label, roles)
    ("collections:my_queue", _("My work queue"), {Role.COLLECTOR}),
    ("collections:team_queue", _("Team queue"), {Role.TEAM_LEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.ADMINISTRATOR}),
    ("collections:allocation", _("Allocation"), {Role.SUPERVISOR, Role.ADMINISTRATOR}),
    ("collections:placement_list", _("Placements"), {Role.SUPERVISOR, Role.DIRECTOR, Role.ADMINISTRATOR}),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for url_name, label, roles in _NAV:
            if user.is_superuser or user.role in roles:
                try:
                    items.append({"url": reverse(url_name), "label": label, "name": url_name})
                except Exception:  # noqa: BLE001 - a page not wired yet simply does not show
                    continue
    return {"nav_items": items}
