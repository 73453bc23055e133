"""Security matrix of every collections page (QUALITY.md "Security matrix"): anonymous → login
redirect; a role without the action → 403; an object outside the user's scope → 404; in scope →
200 with the body checked (masked fields stay masked)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from collections_app.models import AllocationRun

from .views_fixtures import (  # noqa: F401 - fixtures
    FULL_ID, FULL_NAME, MASKED_ID, MASKED_MOBILE, client_as, mine, other_creditor_placement, placement, theirs, unassigned,
)

pytestmark = pytest.mark.django_db

# page → (method, url name, object fixture or None)
PAGES = {
    "my_queue": ("get", "collections:my_queue", None),
    "team_queue": ("get", "collections:team_queue", None),
    "case_detail": ("get", "collections:case_detail", "mine"),
    "case_timeline": ("get", "collections:case_timeline", "mine"),
    "case_reveal": ("post", "collections:case_reveal", "mine"),
    "case_attempt_create": ("post", "collections:case_attempt_create", "mine"),
    "case_promise_create": ("post", "collections:case_promise_create", "mine"),
    "case_reassign": ("get", "collections:case_reassign", "mine"),
    "allocation": ("get", "collections:allocation", None),
    "allocation_run": ("post", "collections:allocation_run", None),
    "placement_list": ("get", "collections:placement_list", None),
    "placement_upload": ("get", "collections:placement_upload", None),
    "placement_detail": ("get", "collections:placement_detail", "placement"),
    "placement_progress": ("get", "collections:placement_progress", "placement"),
    "placement_rejected_csv": ("get", "collections:placement_rejected_csv", "placement"),
}

WRONG_ROLE = [
    ("my_queue", "lead"), ("my_queue", "supervisor"), ("my_queue", "director"), ("my_queue", "hr"),
    ("team_queue", "collector"), ("team_queue", "hr"), ("team_queue", "integration"),
    ("case_detail", "hr"), ("case_detail", "legal"),
    ("case_timeline", "hr"),
    ("case_reveal", "hr"), ("case_reveal", "integration"),
    ("case_attempt_create", "director"), ("case_attempt_create", "hr"), ("case_attempt_create", "integration"),
    ("case_promise_create", "director"), ("case_promise_create", "administrator"),
    ("case_reassign", "collector"), ("case_reassign", "director"),
    ("allocation", "collector"), ("allocation", "lead"), ("allocation", "hr"),
    ("allocation_run", "director"), ("allocation_run", "lead"),
    ("placement_list", "collector"), ("placement_list", "lead"), ("placement_list", "hr"),
    ("placement_upload", "director"), ("placement_upload", "lead"),
    ("placement_detail", "collector"), ("placement_detail", "hr"),
    ("placement_progress", "lead"),
    ("placement_rejected_csv", "collector"),
]

OUT_OF_SCOPE = [
    # (page, persona, object fixture): the persona may use the page, but not on that object
    ("case_detail", "collector_b", "mine"),
    ("case_detail", "other_lead", "mine"),
    ("case_detail", "other_supervisor", "mine"),
    ("case_timeline", "collector_b", "mine"),
    ("case_reveal", "collector_b", "mine"),
    ("case_attempt_create", "collector_b", "mine"),
    ("case_promise_create", "other_lead", "mine"),
    ("case_reassign", "other_lead", "mine"),
    ("case_reassign", "other_supervisor", "mine"),
    ("placement_detail", "integration", "other_creditor_placement"),
    ("placement_progress", "integration", "other_creditor_placement"),
    ("placement_rejected_csv", "integration", "other_creditor_placement"),
]


def _call(request, client, page: str, obj_fixture: str | None = None):
    method, name, default_fixture = PAGES[page]
    fixture = obj_fixture or default_fixture
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return getattr(client, method)(reverse(name, args=args))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_login(request, client_as, page):
    response = _call(request, client_as(None), page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("page, persona", WRONG_ROLE)
def test_role_without_the_action_gets_403(request, client_as, page, persona):
    response = _call(request, client_as(request.getfixturevalue(persona)), page)
    assert response.status_code == 403
    assert b"403" in response.content  # the project's 403 page, not a bare response


@pytest.mark.parametrize("page, persona, obj", OUT_OF_SCOPE)
def test_object_out_of_scope_is_404(request, client_as, page, persona, obj):
    response = _call(request, client_as(request.getfixturevalue(persona)), page, obj)
    assert response.status_code == 404


# --- in scope: 200 with the body checked -----------------------------------------------------------

def test_my_queue_lists_own_cases_masked(client_as, collector, mine, theirs):
    response = client_as(collector).get(reverse("collections:my_queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{mine.pk}<" in html
    assert "张*" in html and FULL_NAME not in html
    assert "¥12,345.60" in html
    assert "15 DPD" in html
    assert f"#{theirs.pk}<" not in html
    assert "New" in html  # never contacted → queue reason "new"


def test_case_page_masks_debtor_data(client_as, collector, mine):
    response = client_as(collector).get(reverse("collections:case_detail", args=[mine.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert MASKED_ID in html and FULL_ID not in html
    assert "张*" in html and FULL_NAME not in html
    assert MASKED_MOBILE in html and "13800138000" not in html
    assert 'data-testid="do-not-contact"' in html
    assert "LN-0001" in html
    assert 'data-testid="reveal-button"' in html
    assert 'data-testid="attempt-form"' in html and 'data-testid="promise-form"' in html
    assert response["Cache-Control"].startswith("max-age=0")  # never cached: debtor data


def test_case_page_for_a_reader_role_has_no_work_forms(client_as, director, mine):
    html = client_as(director).get(reverse("collections:case_detail", args=[mine.pk])).content.decode()
    assert MASKED_ID in html
    assert 'data-testid="attempt-form"' not in html and 'data-testid="promise-form"' not in html
    assert 'data-testid="reveal-button"' in html  # CASE["reveal"] includes directors (audited)


def test_team_queue_shows_the_leads_team_only(client_as, lead, mine, theirs, unassigned):
    html = client_as(lead).get(reverse("collections:team_queue")).content.decode()
    assert f'id="case-row-{mine.pk}"' in html
    assert f'id="case-row-{theirs.pk}"' not in html and f'id="case-row-{unassigned.pk}"' not in html
    assert FULL_NAME not in html and "张*" in html
    assert 'data-testid="collector-load"' in html
    assert "Reassign" in html


def test_team_queue_for_a_supervisor_covers_the_department_and_unassigned(client_as, supervisor, mine, theirs, unassigned):
    html = client_as(supervisor).get(reverse("collections:team_queue")).content.decode()
    for case in (mine, theirs, unassigned):
        assert f'id="case-row-{case.pk}"' in html


def test_team_queue_for_a_director_is_read_only(client_as, director, mine):
    html = client_as(director).get(reverse("collections:team_queue")).content.decode()
    assert f'id="case-row-{mine.pk}"' in html
    assert reverse("collections:case_reassign", args=[mine.pk]) not in html


def test_team_queue_filters_by_collector_and_unassigned(client_as, supervisor, collector, mine, theirs, unassigned):
    client = client_as(supervisor)
    html = client.get(reverse("collections:team_queue"), {"collector": collector.pk}).content.decode()
    assert f'id="case-row-{mine.pk}"' in html and f'id="case-row-{theirs.pk}"' not in html
    html = client.get(reverse("collections:team_queue"), {"unassigned": "true"}).content.decode()
    assert f'id="case-row-{unassigned.pk}"' in html and f'id="case-row-{mine.pk}"' not in html


def test_allocation_page_for_supervisor_and_director(client_as, supervisor, director, collector):
    AllocationRun.objects.create(
        today="2026-01-05", status="succeeded", requested_by=supervisor,
        result={"candidates": 4, "assigned": 3, "unallocated": {"no_team": 1}, "teams": [], "collectors": []},
    )
    html = client_as(supervisor).get(reverse("collections:allocation")).content.decode()
    assert 'data-testid="run-allocation"' in html
    assert 'data-testid="latest-run"' in html and "No team works this bucket and tier" in html
    assert collector.display_name in html  # current load lists the department's collectors
    html = client_as(director).get(reverse("collections:allocation")).content.decode()
    assert 'data-testid="run-allocation"' not in html and "Read-only" in html


def test_placement_pages_in_scope(client_as, supervisor, director, placement):
    html = client_as(supervisor).get(reverse("collections:placement_list")).content.decode()
    assert "test.csv" in html and reverse("collections:placement_upload") in html
    html = client_as(director).get(reverse("collections:placement_list")).content.decode()
    assert "test.csv" in html and reverse("collections:placement_upload") not in html
    html = client_as(supervisor).get(reverse("collections:placement_detail", args=[placement.pk])).content.decode()
    assert 'data-testid="placement-counts"' in html and "Rows read" in html
    assert 'hx-trigger="every 1s"' not in html  # finished: no more polling


def test_home_sends_each_role_to_its_page(client_as, collector, lead, supervisor, hr):
    assert client_as(collector).get("/")["Location"] == reverse("collections:my_queue")
    assert client_as(lead).get("/")["Location"] == reverse("collections:team_queue")
    assert client_as(supervisor).get("/")["Location"] == reverse("collections:allocation")
    assert client_as(hr).get("/")["Location"] == reverse("recruitment:home")


def test_navigation_shows_only_pages_the_role_may_open(client_as, collector, supervisor, director):
    html = client_as(collector).get(reverse("collections:my_queue")).content.decode()
    assert reverse("collections:my_queue") in html and reverse("collections:team_queue") not in html
    assert reverse("collections:placement_list") not in html
    html = client_as(supervisor).get(reverse("collections:team_queue")).content.decode()
    for name in ("team_queue", "allocation", "placement_list"):
        assert reverse(f"collections:{name}") in html
    assert reverse("collections:my_queue") not in html
