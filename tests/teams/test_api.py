"""/api/v1/users/ and /api/v1/teams/ (read-only, scoped) and ``manage.py create_api_key``."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from common.models import AuditEvent
from teams.choices import Role
from teams.models import User
from tests.factories import TeamFactory, UserFactory, make_collector

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
TEAMS = "/api/v1/teams/"


@pytest.fixture
def people(collector, collector_b, other_collector, lead, other_lead, supervisor, other_supervisor, director, hr, legal, administrator, integration):
    return {u.username: u for u in User.objects.all()}


def usernames(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["username"] for row in response.json()["results"]}


# --- users ----------------------------------------------------------------------------------------

def test_anonymous_is_401(api_client, people):
    for url in (USERS, f"{USERS}{people['collector'].pk}/", TEAMS):
        response = api_client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("collector", {"collector"}),
        ("lead", {"lead", "collector", "collector_b"}),
        ("other_lead", {"other_lead", "other_collector"}),
        ("supervisor", {"supervisor", "lead", "other_lead", "collector", "collector_b", "other_collector"}),
        ("other_supervisor", {"other_supervisor"}),
        ("legal", {"legal"}),
    ],
)
def test_users_follow_the_scope(request, api_as, people, persona, expected):
    client = api_as(request.getfixturevalue(persona))
    assert usernames(client.get(USERS)) == expected
    outsider = next(u for name, u in people.items() if name not in expected)
    response = client.get(f"{USERS}{outsider.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("persona", ["director", "administrator", "hr"])
def test_people_roles_see_everyone(request, api_as, people, persona):
    assert usernames(api_as(request.getfixturevalue(persona)).get(USERS)) == set(people)


def test_a_user_shows_role_team_and_collector_profile_and_never_the_password(api_as, lead, collector, team):
    body = api_as(lead).get(f"{USERS}{collector.pk}/").json()
    assert body["username"] == "collector"
    assert body["role"] == "collector"
    assert body["team"] == {"id": team.pk, "code": "team-a", "name": "A组"}
    assert body["department"]["code"] == "dept-main"
    assert body["collector_profile"]["experience_level"] == "senior"
    assert body["collector_profile"]["skills"] == ["phone"]
    assert body["collector_profile"]["capacity"] == 200
    assert "password" not in body and "md5$" not in str(body) and "pbkdf2" not in str(body)
    assert set(body) == {"id", "username", "name", "role", "is_active", "department", "team", "collector_profile"}


def test_a_non_collector_has_no_profile(api_as, lead):
    body = api_as(lead).get(f"{USERS}{lead.pk}/").json()
    assert body["collector_profile"] is None


def test_users_filter_by_role(api_as, director, people):
    assert usernames(api_as(director).get(USERS, {"role": Role.TEAM_LEAD})) == {"lead", "other_lead"}


def test_users_list_query_count_does_not_grow_with_rows(api_as, director, team, django_assert_max_num_queries):
    client = api_as(director)
    with django_assert_max_num_queries(5) as one:
        assert len(client.get(USERS).json()["results"]) == 1
    for i in range(19):
        make_collector(team, username=f"qc{i}")
    with django_assert_max_num_queries(5) as twenty:
        assert len(client.get(USERS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


# --- teams ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "persona, expected",
    [
        ("collector", {"team-a"}),
        ("lead", {"team-a"}),
        ("other_lead", {"team-b"}),
        ("supervisor", {"team-a", "team-b"}),
        ("other_supervisor", set()),
        ("director", {"team-a", "team-b"}),
        ("hr", {"team-a", "team-b"}),
        ("legal", set()),
    ],
)
def test_teams_follow_the_scope(request, api_as, people, team, other_team, persona, expected):
    client = api_as(request.getfixturevalue(persona))
    response = client.get(TEAMS)
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == expected
    for t in (team, other_team):
        assert client.get(f"{TEAMS}{t.pk}/").status_code == (200 if t.code in expected else 404)


def test_a_team_shows_department_lead_and_work(api_as, supervisor, lead, team):
    body = api_as(supervisor).get(f"{TEAMS}{team.pk}/").json()
    assert body["lead"] == {"id": lead.pk, "username": "lead", "name": lead.name}
    assert body["buckets"] == ["M1", "M2"]
    assert body["department"]["code"] == "dept-main"


def test_teams_are_read_only(api_as, administrator, team):
    client = api_as(administrator)
    assert client.post(TEAMS, {"code": "x", "name": "x"}, format="json").status_code == 403
    assert client.patch(f"{TEAMS}{team.pk}/", {"name": "x"}, format="json").status_code == 403


def test_teams_list_query_count_does_not_grow_with_rows(api_as, director, department, django_assert_max_num_queries):
    client = api_as(director)
    TeamFactory(department=department, lead=UserFactory(role=Role.TEAM_LEAD))
    with django_assert_max_num_queries(4) as one:
        assert len(client.get(TEAMS).json()["results"]) == 1
    for _ in range(19):
        TeamFactory(department=department, lead=UserFactory(role=Role.TEAM_LEAD))
    with django_assert_max_num_queries(4) as twenty:
        assert len(client.get(TEAMS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


# --- manage.py create_api_key ---------------------------------------------------------------------

def test_create_api_key_prints_a_working_key_once_and_stores_only_its_hash(integration, creditor):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "integration", "--name", "core banking feed", stdout=out, stderr=err)
    key = out.getvalue().strip()
    row = AuthToken.objects.get(user=integration)
    assert key and key not in (row.digest, row.token_key)
    assert row.expiry is None
    assert "shown once" in err.getvalue()
    event = AuditEvent.objects.get(verb="api_key_created", target_id=str(integration.pk))
    assert event.data["name"] == "core banking feed"
    assert event.data["token_key"] == row.token_key
    assert key not in str(event.data)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/creditors/")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == [creditor.code]


def test_create_api_key_with_days_sets_an_expiry(integration):
    call_command("create_api_key", "integration", "--days", "30", stdout=io.StringIO(), stderr=io.StringIO())
    assert AuthToken.objects.get(user=integration).expiry is not None


@pytest.mark.parametrize("args", [["nobody"], ["integration", "--days", "0"]])
def test_create_api_key_refuses_unknown_users_and_bad_days(integration, args):
    with pytest.raises(CommandError):
        call_command("create_api_key", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert AuthToken.objects.count() == 0


def test_create_api_key_refuses_an_inactive_user(integration):
    integration.is_active = False
    integration.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        call_command("create_api_key", "integration", stdout=io.StringIO(), stderr=io.StringIO())
    assert AuthToken.objects.count() == 0


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("collector", {"collector"}),
        ("lead", {"lead", "collector"}),
        ("supervisor", {"supervisor", "lead", "collector"}),
        ("hr", {"hr", "lead", "collector", "supervisor", "integration"}),
        ("integration", {"integration"}),
    ],
)
def test_user_visible_to_matrix(request, persona, sees, lead, collector, supervisor, hr, integration):
    from teams.models import User

    user = request.getfixturevalue(persona)
    assert set(User.objects.visible_to(user).values_list("username", flat=True)) == sees
