"""The helpers several page modules share, each defined once (code review; the first two live in common.views): the same-site
``next`` of a form, one line of error text for a message, the ID number the offer stage needs."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from common.errors import RuleViolation
from recruitment.models import Candidate
from recruitment.services.offers import candidate_id_number_require
from common.views import error_text, safe_next_url
from tests.factories import valid_id_number


@pytest.mark.parametrize("target, expected", [
    ("/recruitment/applications/7/", "/recruitment/applications/7/"),
    ("http://testserver/recruitment/", "http://testserver/recruitment/"),
    ("https://evil.example.com/", "/fallback/"),
    ("//evil.example.com/x", "/fallback/"),
    ("javascript:alert(1)", "/fallback/"),
    ("", "/fallback/"),
])
def test_safe_next_url_accepts_only_this_site(target, expected):
    assert safe_next_url(RequestFactory().post("/x/", {"next": target}), "/fallback/") == expected
    assert safe_next_url(RequestFactory().get("/x/", {"next": target}), "/fallback/") == expected


def test_error_text_reads_rules_and_field_errors():
    assert error_text(RuleViolation("Closed.", rule="application_closed")) == "Closed."
    assert error_text(ValidationError({"mobile": ["Bad mobile."], "email": ["Bad e-mail."]})) == "Bad mobile. Bad e-mail."
    assert error_text(ValidationError("Plain.")) == "Plain."


@pytest.mark.parametrize("number", ["", "110105194912310029", "12345"])
def test_id_number_is_required_from_the_offer_stage(number):
    with pytest.raises(ValidationError) as excinfo:
        candidate_id_number_require(Candidate(id_number=number))
    assert list(excinfo.value.message_dict) == ["id_number"]
    assert "required from the offer stage" in excinfo.value.message_dict["id_number"][0]


def test_a_valid_id_number_passes():
    candidate_id_number_require(Candidate(id_number=valid_id_number()))
