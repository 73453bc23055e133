"""The security matrix walked over every URL the project serves (QUALITY.md "Security matrix";
issue 3 "Bad input and scope"): HR never reaches debtor or case data, collectors never reach
candidate data, anonymous visitors reach only the public careers pages. Each page's own tests check
the in-scope bodies; this walk makes sure no page or endpoint added later escapes the rule."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.choices import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

FILLERS = {"pk": 999999, "id": 999999, "uidb64": "MQ", "token": "x-x"}


def _patterns(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _patterns(entry, f"{namespace}:{ns}".strip(":") if ns else namespace, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry


def _urls(namespace: str) -> list[str]:
    urls = set()
    for ns, pattern in _patterns(get_resolver()):
        if ns != namespace:
            continue
        kwargs = {name: FILLERS.get(name, 1) for name in pattern.pattern.regex.groupindex}
        if namespace == "api" and "format" in kwargs:
            continue
        urls.add(reverse(f"{ns}:{pattern.name}", kwargs=kwargs))
    assert urls, f"no URLs found in namespace {namespace}"
    return sorted(urls)


def _client(role: str | None) -> Client:
    client = Client()
    if role:
        client.force_login(UserFactory(username=f"walk-{role}", role=role))
    return client


def _assert_refused(client: Client, url: str) -> None:
    """403 for the method the page serves; the other method may be a 405 (nothing is shown)."""
    statuses = {client.get(url).status_code, client.post(url).status_code}
    assert statuses <= {403, 405} and 403 in statuses, (url, statuses)


@pytest.mark.parametrize("url", _urls("recruitment"))
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.LEGAL_OFFICER, Role.ADMINISTRATOR, Role.INTEGRATION_CLIENT])
def test_roles_without_candidate_data_never_open_a_recruitment_page(url, role):
    _assert_refused(_client(role), url)


@pytest.mark.parametrize("url", _urls("collections"))
def test_hr_never_opens_a_collections_page(url):
    _assert_refused(_client(Role.HR_RECRUITER), url)


@pytest.mark.parametrize("namespace", ["recruitment", "collections", "people"])
def test_anonymous_is_sent_to_login_from_every_staff_page(namespace):
    client = _client(None)
    for url in _urls(namespace):
        if namespace == "people" and "/welcome/" in url:
            continue  # the first-login link is for someone not yet signed in
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action
            response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_careers_pages_never_ask_for_a_login():
    client = _client(None)
    for url in _urls("careers"):
        response = client.get(url)
        assert response.status_code in (200, 404, 405, 410), (url, response.status_code)


RECRUITMENT_API = ["applications", "interviews", "offers"]
COLLECTIONS_API = ["cases", "contact-attempts", "promises", "payments", "placements"]


@pytest.mark.parametrize("resource", RECRUITMENT_API)
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.LEGAL_OFFICER, Role.ADMINISTRATOR])
def test_roles_without_candidate_data_get_403_from_the_recruitment_api(api_as, resource, role):
    client = api_as(UserFactory(username=f"api-{role}", role=role))
    assert client.get(f"/api/v1/{resource}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/1/").status_code == 403


@pytest.mark.parametrize("resource", COLLECTIONS_API)
def test_hr_gets_403_from_every_collections_endpoint(api_as, resource):
    client = api_as(UserFactory(username="api-hr", role=Role.HR_RECRUITER))
    assert client.get(f"/api/v1/{resource}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/1/").status_code == 403
