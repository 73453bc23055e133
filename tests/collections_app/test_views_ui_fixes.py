"""UI review fixes: masking everywhere before a reveal, honest placement status, aligned load
table, API-only login refusal for machine accounts, role-based navigation."""
from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collections_app.models import ContactAttempt, ContactPoint, Placement, PlacementRowError
from collections_app.templatetags.collections_ui import masked_text
from teams.choices import Role
from tests.collections_app.views_fixtures import (  # noqa: F401 (fixtures)
    FULL_ID, FULL_NAME, HTMX, MASKED_ID, MASKED_MOBILE, client_as, mine, placement,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMERGENCY_NAME = "李四光"
EMERGENCY_MOBILE = "+8615900159001"


@pytest.fixture
def emergency(mine):
    """A contactable emergency contact (offered in the attempt form)."""
    return ContactPoint.objects.create(
        debtor=mine.debtor, kind="mobile", value=EMERGENCY_MOBILE, party="emergency_contact", contact_name=EMERGENCY_NAME, relation="朋友",
    )


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return match.group(0)


# --- 1. masking ----------------------------------------------------------------------------------

def test_attempt_form_contact_options_are_masked_like_the_contact_card(client_as, collector, mine, emergency):
    html = client_as(collector).get(reverse("collections:case_detail", args=[mine.pk])).content.decode()

    options = _select(html, "contact_point")
    assert f'value="{emergency.pk}"' in options
    assert "Mobile 159****9001 · Emergency contact · 李** (朋友)" in options
    assert "Mobile 138****8000 · Debtor" in options
    for secret in (EMERGENCY_NAME, "15900159001", "李四", "13900139000", "13800138000", FULL_NAME, FULL_ID):
        assert secret not in html, secret
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert f"Case #{mine.pk}" in title and FULL_NAME not in title and "张" not in title


def test_revealed_page_shows_the_full_values_but_the_form_options_stay_masked(client_as, collector, mine, emergency):
    html = client_as(collector).post(reverse("collections:case_reveal", args=[mine.pk])).content.decode()
    assert EMERGENCY_NAME in html  # the revealed contact card
    options = _select(html, "contact_point")
    assert EMERGENCY_NAME not in options and "15900159001" not in options


def test_timeline_notes_mask_phone_and_id_numbers(client_as, collector, mine):
    ContactAttempt.objects.create(
        case=mine, actor=collector, channel="phone", party="debtor", started_at=timezone.now(), result_code_id="CALLBACK_REQUESTED",
        note="借款人说换号 13700137000, 身份证 11010519491231002X",
    )
    html = client_as(collector).get(reverse("collections:case_timeline", args=[mine.pk])).content.decode()
    assert "137****7000" in html and MASKED_ID in html
    assert "13700137000" not in html and FULL_ID not in html


@pytest.mark.parametrize("view", ["collections:my_queue", "collections:team_queue"])
def test_queues_show_only_masked_names(client_as, collector, lead, mine, view):
    user = collector if view == "collections:my_queue" else lead
    html = client_as(user).get(reverse(view)).content.decode()
    assert "张*" in html and FULL_NAME not in html


def test_case_str_names_the_creditor_not_the_debtor(mine):
    assert str(mine) == f"#{mine.pk} {mine.creditor.name}"
    assert FULL_NAME not in str(mine)


def test_masked_text_filter():
    assert masked_text("ID number 11010519491231002X fails the check") == f"ID number {MASKED_ID} fails the check"
    assert masked_text("+86 138 0013 8000 / 8613800138000 / 13800138000") == " / ".join([MASKED_MOBILE] * 3)
    assert masked_text("Amount 12345.60 on 20240101, account LN-0001") == "Amount 12345.60 on 20240101, account LN-0001"


def test_rejected_rows_on_the_detail_page_mask_identity_cells(client_as, supervisor, placement):
    PlacementRowError.objects.create(
        placement=placement, line_number=7, account_number=FULL_ID, reason="证件号码: ID number 11010519491231002X fails; 手机: 13800138000 is not valid",
        raw={"姓名": FULL_NAME, "证件号码": FULL_ID},
    )
    html = client_as(supervisor).get(reverse("collections:placement_detail", args=[placement.pk])).content.decode()
    assert MASKED_ID in html and MASKED_MOBILE in html
    assert FULL_ID not in html and "13800138000" not in html and FULL_NAME not in html


# --- 3. placement status -------------------------------------------------------------------------

def test_failed_placement_shows_the_error_and_no_success_line(client_as, supervisor, placement):
    placement.status, placement.rows_total, placement.rows_processed = "failed", 0, 0
    placement.counts, placement.error_message = {"rows_read": 0, "rejected": 0}, "The file has no column for: account number (账号)."
    placement.save()
    html = client_as(supervisor).get(reverse("collections:placement_detail", args=[placement.pk])).content.decode()
    error = re.search(r'<div[^>]*data-testid="placement-error".*?</div>', html, re.S).group(0)
    assert "alert-danger" in error and "The import failed." in error and "no column for: account number" in error
    assert "Every row was accepted" not in html
    assert 'data-testid="placement-counts"' not in html  # no row of zero counts
    assert "100%" not in html and "bg-success" not in html


def test_every_row_accepted_only_for_a_succeeded_job_without_row_errors(client_as, supervisor, placement):
    client = client_as(supervisor)
    url = reverse("collections:placement_detail", args=[placement.pk])
    assert "Every row was accepted." in client.get(url).content.decode()
    PlacementRowError.objects.create(placement=placement, line_number=2, reason="bad row")
    assert "Every row was accepted." not in client.get(url).content.decode()


def test_failed_job_with_rows_keeps_its_counts_and_rows(client_as, supervisor, placement):
    placement.status, placement.error_message = "failed", "database went away"
    placement.save()
    PlacementRowError.objects.create(placement=placement, line_number=2, reason="bad row")
    html = client_as(supervisor).get(reverse("collections:placement_detail", args=[placement.pk])).content.decode()
    assert "database went away" in html and 'data-testid="placement-counts"' in html and "bad row" in html
    assert "Every row was accepted" not in html


def test_running_job_without_a_row_count_shows_an_indeterminate_bar(client_as, supervisor, placement):
    placement.status, placement.rows_total, placement.rows_processed = "running", 0, 0
    placement.save()
    html = client_as(supervisor).get(reverse("collections:placement_progress", args=[placement.pk]), **HTMX).content.decode()
    assert "Reading and checking the file…" in html and 'data-testid="progress-indeterminate"' in html
    assert "0 / 0 rows" not in html


def test_upload_message_is_neutral(client_as, supervisor, creditor):
    upload = SimpleUploadedFile("junk.csv", b"\x00\x01garbage", content_type="text/csv")
    response = client_as(supervisor).post(reverse("collections:placement_upload"), {"creditor": creditor.pk, "profile": "standard", "file": upload})
    assert response.status_code == 302
    [message] = list(get_messages(response.wsgi_request))
    assert str(message) == "File junk.csv received."
    assert message.level_tag == "info"
    assert Placement.objects.get().original_filename == "junk.csv"


# --- 4. allocation load table --------------------------------------------------------------------

def test_current_load_team_rows_have_the_same_columns_as_the_header(client_as, supervisor, collector, mine):
    html = client_as(supervisor).get(reverse("collections:allocation")).content.decode()
    panel = re.search(r'data-testid="current-load".*?</table>', html, re.S).group(0)
    header = re.search(r"<thead>.*?</thead>", panel, re.S).group(0)
    team_row = re.search(r'<tr class="app-load-team".*?</tr>', panel, re.S).group(0)
    cells = re.findall(r"<t[hd]\b([^>]*)>(.*?)</t[hd]>", team_row, re.S)
    assert len(re.findall(r"<th\b", header)) == 5 == len(cells)
    assert all("colspan" not in attrs for attrs, _text in cells)
    assert cells[2][1] == "¥12,345.60"  # the overdue amount, under "Overdue"
    assert cells[3][1] == "" and cells[4][1] == ""  # nothing under "Room" / "Today"


# --- 6. login and navigation ---------------------------------------------------------------------

def test_integration_client_cannot_sign_in_to_the_website(client_as, integration):
    integration.set_password("machine-secret-1")
    integration.save()
    client = client_as(None)
    response = client.post(reverse("login"), {"username": "integration", "password": "machine-secret-1"})
    assert response.status_code == 200
    assert "This account is for the API only; use an API key." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_integration_client_with_a_wrong_password_gets_the_usual_error(client_as, integration):
    response = client_as(None).post(reverse("login"), {"username": "integration", "password": "wrong"})
    assert "This account is for the API only" not in response.content.decode()


def _nav_urls(html: str) -> set[str]:
    nav = re.search(r'<ul class="navbar-nav me-auto">.*?</ul>', html, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


def test_navigation_follows_the_role_not_the_superuser_flag(client_as, db):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    client = client_as(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    from django.test import RequestFactory

    from common.context_processors import navigation

    request = RequestFactory().get("/")
    request.user = admin
    assert navigation(request)["nav_items"] == []
    # configuration and audit log only (PRODUCT.md): no collections page, superuser or not
    for name in ("my_queue", "team_queue", "allocation", "placement_list"):
        assert client.get(reverse(f"collections:{name}")).status_code == 403


def test_collector_navigation_still_shows_the_work_queue(client_as, collector):
    urls = _nav_urls(client_as(collector).get(reverse("collections:my_queue")).content.decode())
    assert urls == {reverse("collections:my_queue")}


def test_overdue_kpi_is_not_truncated_by_css():
    """The KPI strip lets values wrap instead of cutting them with an ellipsis (reviewer: ¥1,516,253…)."""
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    rule = re.search(r"\.app-kpi-value \{(.*?)\}", css, re.S).group(1)
    assert "text-overflow" not in rule and "nowrap" not in rule
    assert "auto-fit" in re.search(r"\.app-kpis \{(.*?)\}", css, re.S).group(1)
