"""/api/v1/placements/: multipart upload → job polled for progress → rejected rows as CSV.
Security matrix: an integration client places only for the creditors it is linked to."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collections_app.models import Account, Placement

from .api_fixtures import error_of, other_creditor  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PLACEMENTS = "/api/v1/placements/"
GOOD_ID = "11010519490108002X"
CSV_TEXT = (
    "账号,姓名,身份证号,手机号,逾期天数,逾期金额\n"
    f"A001,李四,{GOOD_ID},13800138001,15,\"1,234.56\"\n"
    "A002,王五,4.40304E+17,13800138002,20,100.00\n"
)


@pytest.fixture(autouse=True)
def eager_celery():
    """Run the import task in-process even when REDIS_URL points Celery at a broker (the tests here
    are about the API; the real-worker run belongs to the import tests)."""
    from config.celery_app import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def upload(name="placement.csv", text=CSV_TEXT, encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def place(client, creditor_code, **extra):
    data = {"file": upload(), "creditor": creditor_code, "profile": "standard", **extra}
    return client.post(PLACEMENTS, data, format="multipart")


# --- security matrix ------------------------------------------------------------------------------

def test_anonymous_is_401(api_client, creditor):
    response = place(api_client, creditor.code)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert api_client.get(PLACEMENTS).status_code == 401


@pytest.mark.parametrize("persona", ["collector", "lead", "hr", "legal", "director"])
def test_upload_by_a_role_without_the_action_is_403(request, api_as, creditor, persona):
    response = place(api_as(request.getfixturevalue(persona)), creditor.code)
    assert response.status_code == 403
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("persona", ["collector", "lead", "hr"])
def test_reading_placements_by_a_role_without_the_action_is_403(request, api_as, persona):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(PLACEMENTS).status_code == 403


def test_integration_client_of_another_creditor_gets_404_on_the_creditor(api_as, integration, other_creditor):
    client = api_as(integration)
    response = place(client, other_creditor.code)
    assert response.status_code == 404
    assert response.json() == place(client, "no-such-creditor").json()
    assert Placement.objects.count() == 0


def test_placements_of_other_creditors_are_404_for_an_integration_client(api_as, integration, supervisor, other_creditor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theirs = place(api_as(supervisor), other_creditor.code).json()["id"]
    client = api_as(integration)
    assert client.get(f"{PLACEMENTS}{theirs}/").status_code == 404
    assert client.get(f"{PLACEMENTS}{theirs}/rejected-rows/").status_code == 404
    assert client.get(PLACEMENTS).json()["results"] == []


# --- in scope: upload, poll, rejected rows ----------------------------------------------------

def test_integration_client_uploads_polls_and_downloads_rejected_rows(api_as, integration, creditor, django_capture_on_commit_callbacks):
    client = api_as(integration)
    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, creditor.code, as_of="2024-01-05")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["creditor"]["code"] == creditor.code
    assert (created["profile"], created["original_filename"], created["dry_run"], created["as_of"]) == ("standard", "placement.csv", False, "2024-01-05")
    assert created["links"]["self"].endswith(f"{PLACEMENTS}{created['id']}/")
    assert created["links"]["rejected_rows"].endswith(f"{PLACEMENTS}{created['id']}/rejected-rows/")

    polled = client.get(f"{PLACEMENTS}{created['id']}/").json()
    assert polled["status"] == "succeeded"
    assert polled["progress"] == {"rows_total": 2, "rows_processed": 2, "percent": 100}
    assert (polled["counts"]["accounts_created"], polled["counts"]["rejected"]) == (1, 1)
    assert Account.objects.filter(creditor=creditor).values_list("account_number", "overdue_amount").get() == ("A001", Decimal("1234.56"))

    rejected = client.get(created["links"]["rejected_rows"])
    assert rejected.status_code == 200
    assert rejected["Content-Type"].startswith("text/csv")
    assert "attachment" in rejected["Content-Disposition"]
    content = b"".join(rejected.streaming_content) if rejected.streaming else rejected.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 2  # header + the one rejected row
    assert rows[1][0] == "3"
    assert "4.40304E+17" in rows[1][1]


def test_rejected_rows_answer_text_csv_when_asked_for_it(api_as, supervisor, creditor, django_capture_on_commit_callbacks):
    client = api_as(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        placement_id = place(client, creditor.code).json()["id"]
    response = client.get(f"{PLACEMENTS}{placement_id}/rejected-rows/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_dry_run_stores_no_accounts(api_as, supervisor, creditor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = place(api_as(supervisor), creditor.code, dry_run="true")
    assert response.status_code == 201
    assert response.json()["dry_run"] is True
    assert Account.objects.count() == 0


@pytest.mark.parametrize(
    "override, field",
    [({"profile": "nope"}, "profile"), ({"file": None}, "file"), ({"as_of": "2024-13-01"}, "as_of")],
)
def test_invalid_uploads_are_400_naming_the_field(api_as, supervisor, creditor, override, field):
    data = {"file": upload(), "creditor": creditor.code, "profile": "standard", **override}
    data = {k: v for k, v in data.items() if v is not None}
    response = api_as(supervisor).post(PLACEMENTS, data, format="multipart")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_a_file_of_the_wrong_type_is_refused_by_the_service_with_the_field(api_as, supervisor, creditor):
    data = {"file": upload(name="placement.txt"), "creditor": creditor.code, "profile": "standard"}
    response = api_as(supervisor).post(PLACEMENTS, data, format="multipart")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["file"]


def test_list_query_count_does_not_grow_with_rows(api_as, supervisor, creditor, django_assert_max_num_queries):
    client = api_as(supervisor)
    Placement.objects.create(creditor=creditor, profile="standard", original_filename="a.csv", created_by=supervisor)
    with django_assert_max_num_queries(4) as one:
        assert len(client.get(PLACEMENTS).json()["results"]) == 1
    for i in range(19):
        Placement.objects.create(creditor=creditor, profile="standard", original_filename=f"{i}.csv", created_by=supervisor)
    with django_assert_max_num_queries(4) as twenty:
        assert len(client.get(PLACEMENTS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)



def test_rejected_rows_download_is_audited(api_as, supervisor, creditor, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from collections_app.services.placements import placement_create
    from common.models import AuditEvent

    content = "account_id,as_of,repayment_status,statement_balance,amount_paid,credit_limit\n1,2005-04-30,x,1,0,1\n"
    placement = placement_create(creditor=creditor, profile="uci-monthly", uploaded_file=SimpleUploadedFile("f.csv", content.encode()),
                                 original_filename="f.csv", actor=supervisor, dispatch=False)
    from collections_app.services.placements import placement_run

    placement_run(placement_id=placement.pk)
    response = api_as(supervisor).get(f"/api/v1/placements/{placement.pk}/rejected-rows/")
    assert response.status_code == 200
    b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    event = AuditEvent.objects.get(verb="placement_rejected_rows_downloaded")
    assert event.actor == supervisor and event.target_id == str(placement.pk)
