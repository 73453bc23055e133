"""Accounts: a new employee's user, membership and collector profile, and the first-login link a
new hire receives (issue 3 §7)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from common.audit import audit_event_record

from ..choices import ExperienceLevel, Role, Skill
from ..models import CollectorProfile, Membership, Team, User

# A new collector starts small: the allocation engine fills up to capacity and the daily cap, and
# onboarding limits them to low-risk cases (``CollectorProfile`` defaults are 200 / 40).
JUNIOR_CAPACITY = 80
JUNIOR_DAILY_NEW_CASE_CAP = 20
USERNAME_MAX_LENGTH = 150


def username_check(username: str) -> str:
    """``username`` stripped, when it is a valid user name (letters, digits and ``@.+-_``, at most
    150 characters) that nobody has yet, in any letter case. Raises ``ValidationError`` keyed
    ``username`` otherwise."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("Give a username.")]})
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    if len(username) > USERNAME_MAX_LENGTH:
        raise ValidationError({"username": [_("A username has at most 150 characters.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("The username “%(name)s” is taken.") % {"name": username}]})
    return username


@transaction.atomic
def employee_onboard(
    *, actor: User | None, username: str, name: str, email: str, role: str, team: Team, start_on: dt.date,
    experience_level: str = ExperienceLevel.JUNIOR, in_onboarding: bool = True, capacity: int = JUNIOR_CAPACITY,
    daily_new_case_cap: int = JUNIOR_DAILY_NEW_CASE_CAP, skills: Iterable[str] = (Skill.PHONE,),
) -> User:
    """A new employee: the user (``role``, the team's department, an unusable password until the
    first-login link is used), the membership of ``team`` from ``start_on`` and, for a collector, a
    ``CollectorProfile`` (by default junior, in onboarding, with a small capacity and daily cap, so
    allocation gives them low-risk cases only); audited ``employee_onboarded``.

    Raises ``ValidationError`` keyed ``username`` (invalid or taken, :func:`username_check`),
    ``role`` (an integration client is no employee), ``team`` (inactive) or by the model field."""
    username = username_check(username)
    if role == Role.INTEGRATION_CLIENT:
        raise ValidationError({"role": [_("An integration client is not an employee.")]})
    if not team.is_active:
        raise ValidationError({"team": [_("The team “%(team)s” is not active.") % {"team": team.name}]})

    user = User(username=username, name=(name or "").strip(), email=(email or "").strip(), role=role, department=team.department, is_active=True)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership(user=user, team=team, started_on=start_on)
    membership.full_clean()
    membership.save()
    profile = None
    if role == Role.COLLECTOR:
        profile = CollectorProfile(
            user=user, experience_level=experience_level, in_onboarding=in_onboarding, skills=[str(s) for s in skills],
            capacity=capacity, daily_new_case_cap=daily_new_case_cap,
        )
        profile.full_clean()
        profile.save()
    audit_event_record(
        actor=actor, verb="employee_onboarded", target=user,
        data={
            "username": user.username, "role": role, "team": team.code, "start_on": start_on.isoformat(),
            "collector_profile": None if profile is None else {
                "experience_level": profile.experience_level, "in_onboarding": profile.in_onboarding, "capacity": profile.capacity,
                "daily_new_case_cap": profile.daily_new_case_cap,
            },
        },
    )
    return user


def first_login_path(user: User) -> str:
    """The path (no scheme/host) of ``user``'s first-login page, ``/people/welcome/<uidb64>/<token>/``.

    The token is Django's password-reset token (``default_token_generator``): it stops working as
    soon as the password is set (the token hashes the password and last login) and after
    ``PASSWORD_RESET_TIMEOUT`` seconds. Build the absolute URL with ``request.build_absolute_uri``
    or the site's base URL; never log the link.
    """
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("people:welcome", kwargs={"uidb64": uidb64, "token": token})
