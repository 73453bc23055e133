"""The case page: masked debtor data with an audited reveal, accounts, contact points, the
timeline, and the htmx forms to log a contact attempt and take a promise to pay."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.audit import audit_event_record
from common.errors import ApplicationError
from common.permissions import role_can

from ..forms import ContactAttemptForm, PromiseToPayForm, form_add_service_error
from ..models import Case
from ..permissions import CASE, CONTACT_ATTEMPT, PROMISE
from ..selectors import case_get, case_timeline, promise_source_attempt
from ..services import contact_attempt_record, promise_to_pay_create
from .access import PAGES, role_required

REVEALED_FIELDS = ["name", "id_number", "contact_points"]


def _back_link(user: Any) -> dict[str, str] | None:
    """The queue this user came from: the collector's own queue, else the team queue (by role,
    like the navigation: a superuser administrator goes back to the team queue)."""
    if user.role in PAGES["my_queue"]:
        return {"url": reverse("collections:my_queue"), "label": _("My work queue")}
    if user.role in PAGES["team_queue"]:
        return {"url": reverse("collections:team_queue"), "label": _("Team queue")}
    return None


def _case_context(
    request: HttpRequest,
    case: Case,
    *,
    attempt_form: ContactAttemptForm | None = None,
    promise_form: PromiseToPayForm | None = None,
    revealed: bool = False,
) -> dict[str, Any]:
    user = request.user
    can_attempt = role_can(user, CONTACT_ATTEMPT, "create") and case.is_open
    can_promise = role_can(user, PROMISE, "create") and case.is_open
    return {
        "case": case,
        "debtor": case.debtor,
        "accounts": list(case.accounts.all()),
        "contact_points": list(case.debtor.contact_points.all()),
        "timeline": case_timeline(case=case),
        "revealed": revealed,
        "can_reveal": role_can(user, CASE, "reveal"),
        "back": _back_link(user),
        "attempt_form": (attempt_form or ContactAttemptForm(case=case)) if can_attempt else None,
        "promise_form": (promise_form or PromiseToPayForm()) if can_promise else None,
    }


@never_cache
@require_GET
@role_required(CASE, "view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return render(request, "collections_app/case_detail.html", _case_context(request, case))


@require_GET
@role_required(CASE, "view")
def case_timeline_partial(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return render(request, "collections_app/partials/case_timeline.html", {"case": case, "timeline": case_timeline(case=case)})


@never_cache
@require_POST
@role_required(CASE, "reveal")
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the debtor's full name, ID number and contact values, and write a ``debtor_revealed``
    audit event (DOMAIN.md: every reveal is audited). Answers the debtor card partial to htmx."""
    case = case_get(user=request.user, pk=pk)
    audit_event_record(actor=request.user, verb="debtor_revealed", target=case.debtor, data={"case": case.pk, "fields": REVEALED_FIELDS})
    if request.htmx:
        context = {"case": case, "debtor": case.debtor, "contact_points": list(case.debtor.contact_points.all()), "revealed": True, "can_reveal": True}
        return render(request, "collections_app/partials/debtor_card.html", context)
    return render(request, "collections_app/case_detail.html", _case_context(request, case, revealed=True))


def _work_response(request: HttpRequest, case: Case, *, form_name: str, form: Any, status: int, saved: bool) -> HttpResponse:
    """htmx: the form partial (fresh after a save, with errors otherwise) plus, after a save, the
    timeline, the case facts and the messages as out-of-band swaps. Without htmx: redirect after a
    save, else the whole page with the bound form."""
    if not request.htmx:
        if saved:
            return redirect(reverse("collections:case_detail", args=[case.pk]))
        return render(request, "collections_app/case_detail.html", _case_context(request, case, **{form_name: form}), status=status)
    template = "collections_app/partials/attempt_form.html" if form_name == "attempt_form" else "collections_app/partials/promise_form.html"
    context = {"case": case, form_name: form, "saved": saved}
    if saved:
        context["timeline"] = case_timeline(case=case)
    return render(request, template, context, status=status)


def _service_status(exc: ValidationError | ApplicationError) -> int:
    return exc.status if isinstance(exc, ApplicationError) else 422


@require_POST
@role_required(CONTACT_ATTEMPT, "create")
def case_attempt_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a contact attempt → ``services.contact_attempt_record``."""
    case = case_get(user=request.user, pk=pk)
    form = ContactAttemptForm(request.POST, case=case)
    if not form.is_valid():
        return _work_response(request, case, form_name="attempt_form", form=form, status=422, saved=False)
    try:
        contact_attempt_record(case=case, actor=request.user, **form.service_kwargs())
    except (ValidationError, ApplicationError) as exc:
        form_add_service_error(form, exc)
        return _work_response(request, case, form_name="attempt_form", form=form, status=_service_status(exc), saved=False)
    messages.success(request, _("Contact attempt recorded."))
    return _work_response(request, case, form_name="attempt_form", form=ContactAttemptForm(case=case), status=200, saved=True)


@require_POST
@role_required(PROMISE, "create")
def case_promise_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a promise to pay → ``services.promise_to_pay_create``, linked to the collector's PTP
    call on this case today when there is one (``selectors.promise_source_attempt``)."""
    case = case_get(user=request.user, pk=pk)
    form = PromiseToPayForm(request.POST)
    if not form.is_valid():
        return _work_response(request, case, form_name="promise_form", form=form, status=422, saved=False)
    try:
        promise = promise_to_pay_create(
            case=case, actor=request.user, amount=form.cleaned_data["amount"], due_date=form.cleaned_data["due_date"],
            attempt=promise_source_attempt(case=case, user=request.user),
        )
    except (ValidationError, ApplicationError) as exc:
        form_add_service_error(form, exc)
        return _work_response(request, case, form_name="promise_form", form=form, status=_service_status(exc), saved=False)
    messages.success(request, _("Promise to pay ¥%(amount)s by %(due)s recorded.") % {"amount": f"{promise.amount:,.2f}", "due": promise.due_date.isoformat()})
    return _work_response(request, case, form_name="promise_form", form=PromiseToPayForm(), status=200, saved=True)
