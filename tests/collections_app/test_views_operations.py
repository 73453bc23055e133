"""Allocation and placement pages in use: starting a run, uploading a file, following its
progress, downloading the rejected rows; and the queue's htmx partial."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collections_app.models import AllocationRun, Placement, PlacementRowError

from .views_fixtures import HTMX, client_as, mine, placement  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_supervisor_starts_an_allocation_run(client_as, supervisor):
    response = client_as(supervisor).post(reverse("collections:allocation_run"))
    assert response.status_code == 302 and response["Location"] == reverse("collections:allocation")
    run = AllocationRun.objects.get()
    assert run.requested_by == supervisor
    page = client_as(supervisor).get(reverse("collections:allocation")).content.decode()
    assert f"#{run.pk}" in page


def test_a_second_run_while_one_is_pending_is_refused_with_a_message(client_as, supervisor):
    AllocationRun.objects.create(today="2026-01-05", status="pending", requested_by=supervisor)
    client = client_as(supervisor)
    response = client.post(reverse("collections:allocation_run"), follow=True)
    assert AllocationRun.objects.count() == 1
    assert "is still in progress" in response.content.decode()
    assert 'hx-trigger="every 2s"' in response.content.decode()  # the page follows the pending run


def test_allocation_result_is_limited_to_the_supervisors_teams(client_as, supervisor, team, other_supervisor):
    AllocationRun.objects.create(
        today="2026-01-05", status="succeeded",
        result={"teams": [
            {"team_id": team.pk, "code": team.code, "name": "VISIBLE-TEAM", "cases": 1, "overdue_amount": "10.00", "new_cases": 1, "new_overdue_amount": "10.00"},
            {"team_id": 999999, "code": "x", "name": "HIDDEN-TEAM", "cases": 1, "overdue_amount": "10.00", "new_cases": 1, "new_overdue_amount": "10.00"},
        ], "collectors": [], "unallocated": {}},
    )
    html = client_as(supervisor).get(reverse("collections:allocation")).content.decode()
    assert "VISIBLE-TEAM" in html and "HIDDEN-TEAM" not in html
    html = client_as(other_supervisor).get(reverse("collections:allocation")).content.decode()
    assert "VISIBLE-TEAM" not in html


def test_upload_creates_a_placement_and_the_detail_page_polls_its_progress(client_as, supervisor, creditor):
    client = client_as(supervisor)
    upload = SimpleUploadedFile("分案.csv", "账户号,姓名\nA1,张三\n".encode("gb18030"), content_type="text/csv")
    response = client.post(reverse("collections:placement_upload"), {"creditor": creditor.pk, "profile": "standard", "file": upload, "dry_run": "on"})
    created = Placement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("collections:placement_detail", args=[created.pk])
    assert (created.creditor, created.profile, created.dry_run, created.created_by) == (creditor, "standard", True, supervisor)
    assert created.original_filename == "分案.csv"
    assert created.status == "pending"  # the import is dispatched on commit, which a test transaction never reaches
    html = client.get(reverse("collections:placement_detail", args=[created.pk])).content.decode()
    assert f'hx-get="{reverse("collections:placement_progress", args=[created.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html


def test_upload_refusal_is_shown_on_the_form(client_as, supervisor, creditor):
    upload = SimpleUploadedFile("accounts.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_as(supervisor).post(reverse("collections:placement_upload"), {"creditor": creditor.pk, "profile": "standard", "file": upload})
    assert response.status_code == 422
    assert "Only .csv and .xlsx files can be imported" in response.content.decode()
    assert not Placement.objects.exists()


def test_progress_partial_stops_polling_when_done(client_as, supervisor, placement):
    placement.status, placement.rows_processed = "running", 1
    placement.save(update_fields=["status", "rows_processed"])
    client = client_as(supervisor)
    url = reverse("collections:placement_progress", args=[placement.pk])
    html = client.get(url, **HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in html and "1 / 3 rows" in html and "<html" not in html
    placement.status, placement.rows_processed = "succeeded", 3
    placement.save(update_fields=["status", "rows_processed"])
    PlacementRowError.objects.create(placement=placement, line_number=7, account_number="A7", reason="ID number fails the GB 11643 check digit.")
    html = client.get(url, **HTMX).content.decode()
    assert 'hx-trigger' not in html
    assert "3 / 3 rows" in html and "ID number fails the GB 11643 check digit." in html and 'data-testid="rejected-csv"' in html


def test_rejected_rows_csv_download(client_as, supervisor, placement):
    PlacementRowError.objects.create(placement=placement, line_number=7, account_number="A7", reason="=bad amount", raw={"账户号": "A7"})
    response = client_as(supervisor).get(reverse("collections:placement_rejected_csv", args=[placement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'placement-{placement.pk}-rejected-rows.csv' in response["Content-Disposition"]
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "7" in body and "bad amount" in body and "\n=bad" not in body  # formula injection escaped


def test_queue_filter_answers_the_results_partial_to_htmx(client_as, collector, mine):
    response = client_as(collector).get(reverse("collections:my_queue"), {"risk_tier": "low"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and f"#{mine.pk}<" in html
    html = client_as(collector).get(reverse("collections:my_queue"), {"risk_tier": "high"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results").content.decode()
    assert f"#{mine.pk}<" not in html
