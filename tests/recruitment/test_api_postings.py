"""/api/v1/postings/: public read (anonymous, job boards and every role see open postings; HR,
supervisors and directors the postings in their scope, HR with wording warnings), filters, no
candidate data; and the OpenAPI schema of the recruitment endpoints (validated, no warnings)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

from recruitment.choices import PostingStatus
from tests.recruitment.factories import make_posting

from .api_fixtures import error_of, ids, rworld, token_client  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LIST = "/api/v1/postings/"


def detail(posting) -> str:
    return f"{LIST}{posting.pk}/"


PUBLIC_FIELDS = {  # no internal team name in public
    "id", "title", "role", "location", "salary_min", "salary_max", "responsibilities", "requirements",
    "published_at", "closes_on", "status",
}


def test_anonymous_sees_only_open_postings_without_candidate_data(api_client, rworld):
    response = api_client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == {rworld.posting.pk}
    row = response.json()["results"][0]
    assert set(row) == PUBLIC_FIELDS
    assert row["title"] == "信用卡催收专员"
    assert row["salary_min"] == "5000.00" and row["salary_max"] == "8000.00"
    assert row["status"] == "open"
    assert "王小明" not in response.content.decode()


def test_anonymous_retrieves_an_open_posting_and_gets_404_for_a_draft_or_closed_one(api_client, rworld):
    response = api_client.get(detail(rworld.posting))
    assert response.status_code == 200
    assert response.json()["responsibilities"] == "电话催收逾期账户"
    for hidden in (rworld.draft, rworld.closed):
        answer = api_client.get(detail(hidden))
        assert answer.status_code == 404
        assert error_of(answer)["code"] == "not_found"


def test_a_job_board_key_reads_open_postings(token_for, integration, rworld):
    response = token_client(token_for(integration)).get(LIST)
    assert response.status_code == 200
    assert ids(response) == {rworld.posting.pk}
    assert "wording_warnings" not in response.json()["results"][0]


def test_a_wrong_key_is_401_even_on_the_public_list(api_client, rworld):
    response = token_client("not-a-real-key").get(LIST)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator", "lead", "other_supervisor"])
def test_roles_without_posting_access_see_only_open_postings(request, api_as, rworld, persona):
    client = api_as(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == {rworld.posting.pk}
    assert "wording_warnings" not in response.json()["results"][0]
    assert client.get(detail(rworld.draft)).status_code == 404


@pytest.mark.parametrize("persona", ["hr", "director", "supervisor"])
def test_hr_director_and_the_departments_supervisor_see_every_status(request, api_as, rworld, persona):
    client = api_as(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == {rworld.posting.pk, rworld.draft.pk, rworld.closed.pk}
    assert client.get(detail(rworld.draft)).json()["status"] == "draft"


def test_only_hr_sees_the_wording_warnings(api_as, hr, director, rworld):
    rworld.draft.wording_warnings = ["限男性"]
    rworld.draft.save(update_fields=["wording_warnings"])
    body = api_as(hr).get(detail(rworld.draft)).json()
    assert body["wording_warnings"] == ["限男性"]
    assert set(body) == PUBLIC_FIELDS | {"team", "wording_warnings"}
    assert "wording_warnings" not in api_as(director).get(detail(rworld.draft)).json()


def test_a_supervisor_of_another_department_does_not_see_its_drafts(api_as, other_supervisor, other_department, rworld):
    from tests.factories import TeamFactory

    their_team = TeamFactory(department=other_department, code="team-x", name="X组")
    theirs = make_posting(their_team, status=PostingStatus.DRAFT, title="X组草稿")
    response = api_as(other_supervisor).get(LIST)
    assert ids(response) == {rworld.posting.pk, theirs.pk}


def test_filters_narrow_the_list(api_as, hr, team, other_team, rworld):
    b_posting = make_posting(other_team, role="team_lead", title="催收组长")
    client = api_as(hr)
    assert ids(client.get(LIST, {"status": "draft"})) == {rworld.draft.pk}
    assert ids(client.get(LIST, {"status": ["open", "closed"]})) == {rworld.posting.pk, rworld.closed.pk, b_posting.pk}
    assert ids(client.get(LIST, {"role": "team_lead"})) == {b_posting.pk}
    assert ids(client.get(LIST, {"team": other_team.pk})) == {b_posting.pk}
    bad = client.get(LIST, {"status": "nonsense"})
    assert bad.status_code == 400
    assert "status" in error_of(bad)["fields"]


def test_filters_never_widen_the_public_scope(api_client, rworld):
    assert ids(api_client.get(LIST, {"status": "draft"})) == set()


def test_postings_are_read_only(api_as, api_client, hr, rworld):
    assert api_client.post(LIST, {"title": "x"}).status_code in (401, 403, 405)
    assert api_as(hr).post(LIST, {"title": "x"}).status_code == 405
    assert api_as(hr).delete(detail(rworld.posting)).status_code == 405


def test_list_query_count_is_flat(api_client, team, rworld, django_assert_max_num_queries):
    for i in range(8):
        make_posting(team, title=f"岗位{i}")
    with django_assert_max_num_queries(3):
        response = api_client.get(LIST)
    assert len(response.json()["results"]) == 9


# --- schema ---------------------------------------------------------------------------------------

def test_schema_with_recruitment_validates_without_warnings(tmp_path: Path):
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in [
        "/api/v1/postings/", "/api/v1/postings/{id}/", "/api/v1/applications/", "/api/v1/applications/{id}/",
        "/api/v1/applications/{id}/move/", "/api/v1/applications/{id}/reject/", "/api/v1/applications/{id}/withdraw/",
        "/api/v1/interviews/", "/api/v1/interviews/{id}/cancel/", "/api/v1/interviews/{id}/scorecard/",
        "/api/v1/interviews/{id}/scorecards/", "/api/v1/offers/", "/api/v1/offers/{id}/counter/", "/api/v1/offers/{id}/approve/",
        "/api/v1/offers/{id}/send/", "/api/v1/offers/{id}/decide/", "/api/v1/offers/{id}/withdraw/",
    ]:
        assert path in paths, path
    assert {} in paths["/api/v1/postings/"]["get"]["security"], "postings are readable without credentials"
    create = paths["/api/v1/applications/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(create["requestBody"]["content"])
    assert {"201", "400", "422"} <= set(create["responses"])
    assert "post" not in paths["/api/v1/postings/"]
    wage = schema["components"]["schemas"]["OfferCreateInputRequest"]["properties"]["monthly_wage"]
    assert wage["type"] == "string" and wage["format"] == "decimal"
