"""Template context shared by every page: the navigation the current role may use.

Each link names the permission row that guards its page (``collections_app.permissions`` tables
and ``collections_app.permissions.PAGES``); a link shows exactly when ``role_can`` would open it.
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.permissions import role_can


def _nav_rows() -> list[tuple[str, object, object, str]]:
    from collections_app.permissions import ALLOCATION, PAGES, PLACEMENT
    from teams.permissions import ACTIVITY, DEVELOPMENT_PLAN, FEEDBACK, TRAINING
    from recruitment.permissions import PAGES as RECRUITMENT_PAGES

    return [
        # (url name, label, permission table, action)
        ("collections:my_queue", _("My work queue"), PAGES, "my_queue"),
        ("collections:team_queue", _("Team queue"), PAGES, "team_queue"),
        ("collections:allocation", _("Allocation"), ALLOCATION, "view"),
        ("collections:placement_list", _("Placements"), PLACEMENT, "view"),
        # recruitment (recruitment.permissions.PAGES)
        ("recruitment:home", _("Recruitment"), RECRUITMENT_PAGES, "recruitment_home"),
        # people pages (teams.permissions)
        ("people:training_list", _("Training"), TRAINING, "view"),
        ("people:my_training", _("My training"), TRAINING, "my_training"),
        ("people:plan_list", _("Development plans"), DEVELOPMENT_PLAN, "view"),
        ("people:feedback_list", _("Feedback"), FEEDBACK, "view"),
        ("people:activity_list", _("Activities"), ACTIVITY, "view"),
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        path = request.path
        for url_name, label, table, action in _nav_rows():
            if role_can(user, table, action):
                url = reverse(url_name)
                items.append({"url": url, "label": label, "name": url_name, "active": path.startswith(url)})
    return {"nav_items": items}
