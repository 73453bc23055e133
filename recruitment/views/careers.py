"""The public careers pages under /careers/ (namespace ``careers``): no login, zh-hans and en.

- ``careers:list``: open postings (``JobPosting.objects.published()``), searchable by keyword and
  location; never an internal name (team, department, requisition).
- ``careers:detail``: the posting and the application form. A draft is a 404 (it was never
  public); a paused or closed posting answers 410 "no longer taking applications", without a form.
- ``careers:apply`` (POST, multipart) → ``services.applications.application_submit``: field errors
  come back on their fields, a rule refusal (duplicate application, posting closed) as a page-level
  alert; nothing is saved on any error.
- ``careers:applied``: the thank-you page; it echoes nothing personal beyond the first name.
"""
from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import ApplicationError

from ..choices import PostingStatus
from ..defaults import PRIVACY_NOTICE_VERSION
from ..forms.base import form_add_service_error
from ..forms.careers import ApplyForm, WorkHistoryFormSet, resume_limit_mb
from ..models import JobPosting
from ..services.applications import application_submit

LIST_PAGE_SIZE = 20
SESSION_KEY = "careers_applied"
WORK_PREFIX = "work"
# Service error keys that belong to a differently named field of the public form.
FIELD_ALIASES = {"consent_given": "consent", "consent_version": "consent", "work_history": None}
# Rule codes a candidate may meet, with a human heading (the service's message follows it).
RULE_HEADINGS = {
    "duplicate_application": gettext_lazy("You have already applied for this job"),
    "posting_not_open": gettext_lazy("This job is no longer taking applications"),
}
def greeting_name(name: str) -> str:
    """The name the thank-you page greets with: the full name as typed, spaces tidied (a given
    name alone reads oddly in Chinese, and ``Li Lei``'s first word is the surname)."""
    return " ".join((name or "").split())


class PostingNotPublic(Http404):
    """A posting that does not exist or was never published (a draft)."""


def _public_posting(pk: int) -> JobPosting:
    """A posting the public may know of: any status but draft (a draft was never published)."""
    posting = JobPosting.objects.exclude(status=PostingStatus.DRAFT).filter(pk=pk).first()
    if posting is None:
        raise PostingNotPublic
    return posting


def _not_found(request: HttpRequest) -> HttpResponse:
    """The careers site's own 404 page (no staff navigation, a way back to the open positions)."""
    return render(request, "careers/not_found.html", _public_context(), status=404)


def public_page(view):
    """Answer a missing or unpublished posting with the careers 404 page."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PostingNotPublic:
            return _not_found(request)

    return wrapper


def _public_context() -> dict[str, Any]:
    """What every public page shows in its header and footer."""
    return {"company_name": settings.COMPANY_NAME, "privacy_contact": settings.RECRUITMENT_PRIVACY_CONTACT}


def _detail_context(posting: JobPosting, *, form: ApplyForm | None = None, formset: Any = None, rule: ApplicationError | None = None) -> dict[str, Any]:
    is_open = posting.status == PostingStatus.OPEN
    context: dict[str, Any] = {
        **_public_context(),
        "posting": posting,
        "is_open": is_open,
        "notice_version": PRIVACY_NOTICE_VERSION,
        "retention_days": settings.RECRUITMENT_RETENTION_DAYS,
        "resume_limit_mb": resume_limit_mb(),
        "rule_error": None,
    }
    if rule is not None:
        context["rule_error"] = {"rule": rule.rule, "heading": RULE_HEADINGS.get(rule.rule, _("We could not accept this application")), "message": rule.message}
    if is_open or form is not None:
        context["form"] = form or ApplyForm()
        context["formset"] = formset or WorkHistoryFormSet(prefix=WORK_PREFIX)
    return context


@require_GET
def posting_list(request: HttpRequest) -> HttpResponse:
    """Open postings, newest first; ``q`` searches title, duties and requirements, ``location``
    picks one of the locations that have an open posting."""
    published = JobPosting.objects.published()
    q = (request.GET.get("q") or "").strip()[:100]
    location = (request.GET.get("location") or "").strip()[:200]
    rows = published.only(
        "pk", "title", "role", "location", "salary_min", "salary_max", "published_at", "closes_on", "status", "requirements",
    ).order_by("-published_at", "-id")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(responsibilities__icontains=q) | Q(requirements__icontains=q))
    if location:
        rows = rows.filter(location=location)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    locations = list(published.order_by("location").values_list("location", flat=True).distinct())
    context = {
        **_public_context(), "page": page, "q": q, "location": location, "locations": locations, "filtered": bool(q or location),
    }
    return render(request, "careers/posting_list.html", context)


@require_GET
@public_page
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _public_posting(pk)
    context = _detail_context(posting)
    return render(request, "careers/posting_detail.html", context, status=200 if context["is_open"] else 410)


@require_POST
@public_page
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The application → ``application_submit`` (one transaction; screening runs inside it)."""
    posting = _public_posting(pk)
    form = ApplyForm(request.POST, request.FILES)
    formset = WorkHistoryFormSet(request.POST, prefix=WORK_PREFIX)
    rule_error: ApplicationError | None = None
    if form.is_valid() and formset.is_valid():
        try:
            application_submit(
                posting=posting, data=form.application_data(formset.lines()), resume=form.cleaned_data.get("resume"),
                **form.source_kwargs(),
            )
        except ValidationError as exc:
            _add_field_errors(form, exc)
        except ApplicationError as exc:
            rule_error = exc
        else:
            request.session[SESSION_KEY] = {"posting": posting.pk, "name": greeting_name(form.cleaned_data["name"])}
            return redirect("careers:applied", pk=posting.pk)
    context = _detail_context(posting, form=form, formset=formset, rule=rule_error)
    status = 422
    if not context["is_open"]:
        status = 410
    elif rule_error is not None:
        status = rule_error.status
    return render(request, "careers/posting_detail.html", context, status=status)


def _add_field_errors(form: ApplyForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        renamed: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            target = FIELD_ALIASES.get(field, field)
            renamed.setdefault(target if target in form.fields else "__all__", []).extend(messages)
        for field, messages in renamed.items():
            for message in messages:
                form.add_error(None if field == "__all__" else field, message)
        return
    form_add_service_error(form, exc)


@require_GET
@public_page
def applied(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _public_posting(pk)
    stored = request.session.get(SESSION_KEY) or {}
    name = stored.get("name", "") if stored.get("posting") == posting.pk else ""
    context = {**_public_context(), "posting": posting, "greeting_name": name}
    return render(request, "careers/applied.html", context)


urlpatterns = [
    path("", posting_list, name="list"),
    path("<int:pk>/", posting_detail, name="detail"),
    path("<int:pk>/apply/", apply, name="apply"),
    path("<int:pk>/applied/", applied, name="applied"),
]
