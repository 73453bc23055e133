"""Template context shared by every page: the navigation the current role may use.

Each link names the permission row that guards its page (the apps' ``permissions`` tables); a link
shows exactly when ``role_can`` would open it. Work pages sit in the bar (``nav_items``); the people
pages every employee may use (training, plans, feedback, activities) sit in one "People" menu
(``people_nav_items``), so a collector's bar stays one link wide.
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.permissions import role_can


def _nav_rows() -> list[tuple[str, object, object, str, str]]:
    from collections_app.permissions import ALLOCATION, PAGES, PLACEMENT
    from teams.permissions import ACTIVITY, DEVELOPMENT_PLAN, FEEDBACK, TRAINING
    from recruitment.permissions import PAGES as RECRUITMENT_PAGES

    return [
        # (group, url name, label, permission table, action)
        ("main", "collections:my_queue", _("My work queue"), PAGES, "my_queue"),
        ("main", "collections:team_queue", _("Team queue"), PAGES, "team_queue"),
        ("main", "collections:allocation", _("Allocation"), ALLOCATION, "view"),
        ("main", "collections:placement_list", _("Placements"), PLACEMENT, "view"),
        ("main", "recruitment:home", _("Recruitment"), RECRUITMENT_PAGES, "recruitment_home"),
        ("people", "people:training_list", _("Training"), TRAINING, "view"),
        ("people", "people:my_training", _("My training"), TRAINING, "my_training"),
        ("people", "people:plan_list", _("Development plans"), DEVELOPMENT_PLAN, "view"),
        ("people", "people:feedback_list", _("Feedback"), FEEDBACK, "view"),
        ("people", "people:activity_list", _("Activities"), ACTIVITY, "view"),
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    groups: dict[str, list[dict]] = {"main": [], "people": []}
    if user is not None and user.is_authenticated:
        path = request.path
        for group, url_name, label, table, action in _nav_rows():
            if role_can(user, table, action):
                url = reverse(url_name)
                groups[group].append({"url": url, "label": label, "name": url_name, "active": path.startswith(url)})
    return {
        "nav_items": groups["main"],
        "people_nav_items": groups["people"],
        "people_nav_active": any(item["active"] for item in groups["people"]),
    }
