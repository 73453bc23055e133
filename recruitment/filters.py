"""One FilterSet per filterable recruitment model, shared by the API (``recruitment.api``) and the
HTML lists (``recruitment.views``). Choices that name other rows (postings, stages, teams) are
resolved through ``visible_to(request.user)``, so a filter can never widen the caller's scope.

Usage: ``ApplicationFilterSet(request.GET, queryset=Application.objects.visible_to(user), request=request)``.
"""
from __future__ import annotations

import json
import re

import django_filters as filters
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.dates import local_day_bounds
from common.filters import IsoDateFilter
from teams.models import Team

from .choices import ApplicationSource, ApplicationStatus, HiringRole, InterviewStatus, PostingStatus
from .models import Application, Interview, JobPosting, PipelineStage

_DIGITS = re.compile(r"\D+")
_PHONE_LIKE = re.compile(r"[\d\s()+-]{4,}")


def _user(request):
    return getattr(request, "user", None)


def _visible_postings(request):
    user = _user(request)
    return JobPosting.objects.visible_to(user).order_by("title", "id") if user is not None else JobPosting.objects.none()


def _visible_stages(request):
    user = _user(request)
    if user is None:
        return PipelineStage.objects.none()
    return PipelineStage.objects.filter(posting__in=JobPosting.objects.visible_to(user)).select_related("posting")


def _visible_posting_teams(request):
    """Teams that have a posting the caller may see (team names of open postings are public)."""
    user = _user(request)
    if user is None:
        return Team.objects.none()
    return Team.objects.filter(pk__in=JobPosting.objects.visible_to(user).values("requisition__team_id")).order_by("name")


class ApplicationFilterSet(filters.FilterSet):
    """Application list filters: posting, stage, status, source, screening flag, screening tag,
    applied between two local dates, and ``q`` (candidate name, mobile or e-mail)."""

    posting = filters.ModelChoiceFilter(label=_("Job posting"), queryset=_visible_postings)
    stage = filters.ModelChoiceFilter(label=_("Stage"), queryset=_visible_stages)
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    source = filters.MultipleChoiceFilter(label=_("Source"), choices=ApplicationSource.choices)
    screening_flagged = filters.BooleanFilter(label=_("Flagged by screening"))
    tag = filters.CharFilter(label=_("Screening tag"), method="filter_tag")
    applied_from = IsoDateFilter(label=_("Applied from (local date)"), method="filter_applied_from")
    applied_to = IsoDateFilter(label=_("Applied to (local date)"), method="filter_applied_to")
    q = filters.CharFilter(label=_("Name, mobile or e-mail"), method="filter_q")

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_tag(self, queryset, name, value):
        """Applications whose ``screening_tags`` list holds ``value`` (an exact tag)."""
        value = value.strip()
        if not value:
            return queryset
        if connection.features.supports_json_field_contains:
            return queryset.filter(screening_tags__contains=[value])
        # SQLite stores the list as json.dumps text: match the quoted element.
        return queryset.filter(screening_tags__icontains=json.dumps(value))

    def filter_applied_from(self, queryset, name, value):
        start, _end = local_day_bounds(value)
        return queryset.filter(created_at__gte=start)

    def filter_applied_to(self, queryset, name, value):
        """Inclusive local day: everything before the next day's 00:00 Asia/Shanghai."""
        _start, end = local_day_bounds(value)
        return queryset.filter(created_at__lt=end)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(candidate__name__icontains=value) | Q(candidate__email__iexact=value)
        digits = _DIGITS.sub("", value)
        if _PHONE_LIKE.fullmatch(value) and len(digits) >= 4:
            # Mobiles are stored E.164 (+86…): a number typed with or without 86 matches its tail.
            condition |= Q(candidate__mobile__endswith=digits[-11:] if len(digits) > 11 else digits)
        if "@" in value:
            condition |= Q(candidate__email__icontains=value)
        return queryset.filter(condition)


class JobPostingFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=PostingStatus.choices)
    role = filters.MultipleChoiceFilter(label=_("Role"), choices=HiringRole.choices)
    team = filters.ModelChoiceFilter(label=_("Team"), queryset=_visible_posting_teams, field_name="requisition__team")

    class Meta:
        model = JobPosting
        fields: list[str] = []


class InterviewFilterSet(filters.FilterSet):
    """Interviews by status, between two local dates (``from``/``to`` inclusive), and ``mine``
    (the interviews the caller sits on)."""

    status = filters.MultipleChoiceFilter(label=_("Status"), choices=InterviewStatus.choices)
    date_from = IsoDateFilter(label=_("From (local date)"), method="filter_from")
    date_to = IsoDateFilter(label=_("To (local date)"), method="filter_to")
    mine = filters.BooleanFilter(label=_("Only mine"), method="filter_mine")

    class Meta:
        model = Interview
        fields: list[str] = []

    def filter_from(self, queryset, name, value):
        start, _end = local_day_bounds(value)
        return queryset.filter(starts_at__gte=start)

    def filter_to(self, queryset, name, value):
        _start, end = local_day_bounds(value)
        return queryset.filter(starts_at__lt=end)

    def filter_mine(self, queryset, name, value):
        user = _user(self.request)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(interviewers=user).distinct()


# ``from`` is a Python keyword: expose the two date filters as ``?from=`` / ``?to=``.
InterviewFilterSet.base_filters["from"] = InterviewFilterSet.base_filters.pop("date_from")
InterviewFilterSet.base_filters["to"] = InterviewFilterSet.base_filters.pop("date_to")
InterviewFilterSet.base_filters.move_to_end("mine")
