"""factory_boy factories shared by every test module. Chinese PII comes from Faker's zh_CN
provider (checksum-valid ID numbers, mainland mobiles)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from faker import Faker

from collections_app.choices import CaseStatus
from collections_app.models import Account, Case, ContactPoint, Creditor, Debtor
from common.validators import id_number_birth_date, id_number_normalize
from teams.choices import ExperienceLevel, Role
from teams.models import CollectorProfile, Department, Membership, Team, User

fake = Faker("zh_CN")
DEMO_PASSWORD = "collections-demo"


def valid_id_number() -> str:
    """A checksum-valid 18-character ID number (Faker zh_CN, re-validated)."""
    while True:
        try:
            return id_number_normalize(fake.ssn())
        except Exception:  # noqa: BLE001 - retry on the rare invalid one
            continue


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = "催收一部"
    code = factory.Sequence(lambda n: f"dept{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"催收{n}组")
    code = factory.Sequence(lambda n: f"team{n}")
    buckets = factory.LazyFunction(lambda: ["M1", "M2", "M3", "M4", "M5", "M6", "M7+"])
    tiers = factory.LazyFunction(list)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyFunction(fake.name)
    role = Role.COLLECTOR
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def make_collector(team: Team, *, username: str | None = None, level: str = ExperienceLevel.SENIOR, **profile) -> User:
    """A collector with a profile and an active membership of ``team``."""
    user = UserFactory(username=username or f"c{User.objects.count() + 1}", role=Role.COLLECTOR, department=team.department)
    CollectorProfile.objects.update_or_create(user=user, defaults={"experience_level": level, "skills": ["phone"], **profile})
    Membership.objects.get_or_create(user=user, team=team, ended_on=None, defaults={"started_on": dt.date(2024, 1, 1)})
    return user


class CreditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creditor
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"lender{n}")
    name = factory.Sequence(lambda n: f"某某消费金融{n}")


class DebtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debtor

    name = factory.LazyFunction(fake.name)
    id_number = factory.LazyFunction(valid_id_number)
    birth_date = factory.LazyAttribute(lambda o: id_number_birth_date(o.id_number) if o.id_number else None)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    debtor = factory.SubFactory(DebtorFactory)
    creditor = factory.SubFactory(CreditorFactory)
    status = CaseStatus.OPEN
    bucket = "M1"
    days_past_due = 15
    overdue_amount = Decimal("3000.00")
    outstanding_balance = Decimal("8000.00")
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=15))
    bucket_entered_on = factory.LazyAttribute(lambda o: o.opened_on)
    as_of = factory.LazyFunction(timezone.localdate)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    case = factory.SubFactory(CaseFactory)
    creditor = factory.LazyAttribute(lambda o: o.case.creditor)
    debtor = factory.LazyAttribute(lambda o: o.case.debtor)
    account_number = factory.Sequence(lambda n: f"ACC{n:08d}")
    overdue_principal = Decimal("2500.00")
    overdue_interest = Decimal("400.00")
    overdue_fees = Decimal("100.00")
    overdue_amount = Decimal("3000.00")
    outstanding_balance = Decimal("8000.00")
    days_past_due = 15
    as_of = factory.LazyFunction(timezone.localdate)


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    debtor = factory.SubFactory(DebtorFactory)
    kind = "mobile"
    value = factory.Sequence(lambda n: f"+86138{n:08d}")
