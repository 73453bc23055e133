"""Offer, background-check and hire pages (issue 3 §6–7).

- ``offer_create`` (``?application=<pk>``): the terms form, with the posting's salary range and the
  Labour Contract Law art. 19–20 errors on their fields (``services.offers.offer_create``);
- ``offer_detail``: terms, status, the negotiation history as a timeline and the actions the user
  may take; the action POSTs (``offer_counter``, ``offer_approve``, ``offer_send``, ``offer_decide``,
  ``offer_withdraw``) redirect back with a message, or answer the page again with the refusal
  (422 for a rule, with the form's field errors for bad input);
- ``offer_approval_list``: a supervisor's (department) or director's offers awaiting approval;
- ``background_check``: HR records the candidate's separate consent, then the results;
- ``application_hire`` (confirm page, POST → ``hiring.application_hire``) and ``hire_done`` (the new
  account and the first-login link to hand over).

:func:`offer_panel_context` gives the application page its offer panel
(``templates/recruitment/partials/offer_panel.html``).

Every view: anonymous → login redirect; a role without the action in ``recruitment.permissions`` →
403; objects only through ``visible_to`` → out of scope is a 404 (a supervisor sees only the offers
of their department that need approval).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.permissions import role_can, role_required
from common.views import error_text
from teams.models import TrainingSession, User
from teams.selectors import employee_onboarding_summary, onboarding_session_next

from ..choices import (
    OPEN_OFFER_STATUSES, ApplicationStatus, BackgroundCheckStatus, HiringRole, OfferStatus, ProposalParty,
)
from ..forms.base import form_add_service_error
from ..forms.offers import (
    BackgroundCheckConsentForm, BackgroundCheckResultForm, HireForm, OfferCounterForm, OfferDecisionForm, OfferForm, OfferWithdrawForm,
)
from ..models import Application, BackgroundCheck, Offer, OfferProposal
from ..permissions import BACKGROUND_CHECK, HIRE, OFFER
from ..selectors import application_accepted_offer
from ..services import hiring
from ..services import offers as offer_services

OFFER_RELATED = (
    "application__candidate", "application__posting__requisition__team__department", "application__stage", "created_by", "approved_by",
)
APPLICATION_RELATED = ("candidate", "posting__requisition__team__department", "stage", "hired_user")


# --- reads (scoped through visible_to) -----------------------------------------------------------


def _proposals() -> Prefetch:
    return Prefetch("proposals", queryset=OfferProposal.objects.select_related("actor").order_by("at", "id"))


def offer_get(*, user: User, pk: int | str) -> Offer:
    """One offer in the user's scope (``Offer.visible_to``) with its proposals; 404 otherwise."""
    return get_object_or_404(Offer.objects.visible_to(user).select_related(*OFFER_RELATED).prefetch_related(_proposals()), pk=pk)


def offer_approval_queue(*, user: User) -> QuerySet[Offer]:
    """Offers awaiting this supervisor's (their department) or director's approval, oldest first."""
    return (
        Offer.objects.visible_to(user)
        .filter(needs_approval=True, approved_at__isnull=True, status__in=OPEN_OFFER_STATUSES)
        .select_related(*OFFER_RELATED)
        .order_by("created_at", "id")
    )


def _application_get(user: User, pk: int | str) -> Application:
    return get_object_or_404(Application.objects.visible_to(user).select_related(*APPLICATION_RELATED), pk=pk)


def _background_check(application: Application) -> BackgroundCheck | None:
    return BackgroundCheck.objects.filter(application=application).select_related("recorded_by").first()


def offer_actions(*, user: User, offer: Offer) -> dict[str, bool]:
    """Which actions ``user`` may take on ``offer`` now (role from ``OFFER`` and the offer's status;
    approval also needs ``offer_may_approve``). ``send_blocked``: send exists but waits for approval."""
    is_open = offer.status in OPEN_OFFER_STATUSES
    awaiting_approval = offer.needs_approval and offer.approved_at is None
    may_send = role_can(user, OFFER, "send") and offer.status in (OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL)
    return {
        "counter": role_can(user, OFFER, "counter") and is_open,
        "send": may_send and not awaiting_approval,
        "send_blocked": may_send and awaiting_approval,
        "approve": role_can(user, OFFER, "approve") and is_open and awaiting_approval and offer_services.offer_may_approve(user, offer),
        "decide": role_can(user, OFFER, "decide") and offer.status == OfferStatus.SENT,
        "withdraw": role_can(user, OFFER, "withdraw") and is_open,
    }


def offer_panel_context(*, user: User, application: Application) -> dict[str, Any]:
    """The application page's offer panel: ``offer_panel`` (True when the user may see any of it)
    and ``offer_panel_data`` with the application's offers visible to the user (newest first, each
    with its proposals = the negotiation history), the open offer, the background check (HR), and
    the links the user may follow (draft an offer, background check, hire)."""
    can_view_offers = role_can(user, OFFER, "view")
    can_view_check = role_can(user, BACKGROUND_CHECK, "view")
    if not (can_view_offers or can_view_check):
        return {"offer_panel": False}
    offers = list(
        Offer.objects.visible_to(user).filter(application=application)
        .select_related("created_by", "approved_by").prefetch_related(_proposals()).order_by("-created_at", "-id")
    ) if can_view_offers else []
    open_offer = next((o for o in offers if o.status in OPEN_OFFER_STATUSES), None)
    accepted = next((o for o in offers if o.status == OfferStatus.ACCEPTED), None)
    check = _background_check(application) if can_view_check else None
    is_active = application.status == ApplicationStatus.ACTIVE
    hired = application.status == ApplicationStatus.HIRED and application.hired_user_id is not None
    data = {
        "application": application,
        "offers": offers,
        "open_offer": open_offer,
        "accepted_offer": accepted,
        "background_check": check,
        "check_required": application.posting.role == HiringRole.COLLECTOR,
        # after an acceptance the next steps are the check and the hire, not another offer
        "can_create_offer": role_can(user, OFFER, "create") and is_active and open_offer is None and accepted is None,
        "can_record_check": role_can(user, BACKGROUND_CHECK, "record") and check is not None,
        "can_hire": role_can(user, HIRE, "hire") and is_active and accepted is not None,
        "hire_ready": accepted is not None and (
            application.posting.role != HiringRole.COLLECTOR or (check is not None and check.status == BackgroundCheckStatus.CLEAR)
        ),
        "hired": hired and role_can(user, HIRE, "hire"),
    }
    return {"offer_panel": True, "offer_panel_data": data}


# --- helpers ------------------------------------------------------------------------------------


def _refusal(request: HttpRequest, exc: ApplicationError) -> None:
    """A rule refusal as an error message (the message names the rule; its code rides along as a tag)."""
    messages.error(request, exc.message, extra_tags=f"rule-{exc.rule}")


def _detail_context(request: HttpRequest, offer: Offer, **forms_: Any) -> dict[str, Any]:
    actions = offer_actions(user=request.user, offer=offer)
    application = offer.application
    return {
        "offer": offer,
        "application": application,
        "posting": application.posting,
        "candidate": application.candidate,
        "proposals": list(offer.proposals.all()),
        "actions": actions,
        "outside_range": offer_services.offer_wage_outside_range(offer.monthly_wage, application),
        "counter_form": forms_.get("counter_form") or OfferCounterForm(),
        "decision_form": forms_.get("decision_form") or OfferDecisionForm(),
        "withdraw_form": forms_.get("withdraw_form") or OfferWithdrawForm(),
        "can_open_application": role_can(request.user, OFFER, "create"),
        "other_offers": list(
            Offer.objects.visible_to(request.user).filter(application=application).exclude(pk=offer.pk).order_by("-created_at", "-id")
        ),
    }


def _detail_response(request: HttpRequest, offer: Offer, *, status: int = 200, **forms_: Any) -> HttpResponse:
    return render(request, "recruitment/offer_detail.html", _detail_context(request, offer, **forms_), status=status)


def _after_action(request: HttpRequest, offer: Offer, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("recruitment:offer_detail", pk=offer.pk)


def _refused(request: HttpRequest, pk: int, exc: ValidationError | ApplicationError, **forms_: Any) -> HttpResponse:
    """The offer page again with the refusal: a rule as a message (422/409), bad input on the form
    (422) or, for an action without a form, as a message."""
    if isinstance(exc, ApplicationError):
        _refusal(request, exc)
        status = exc.status
    else:
        if not forms_:
            messages.error(request, error_text(exc))
        status = 422
    offer = offer_get(user=request.user, pk=pk)  # re-read: the refused transaction changed nothing
    return _detail_response(request, offer, status=status, **forms_)


# --- offer pages ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(OFFER, "create")
def offer_create(request: HttpRequest) -> HttpResponse:
    """Draft an offer for ``?application=<pk>`` → ``offer_create``; a wage outside the posting's
    range is allowed but the offer then waits for a supervisor's approval."""
    pk = request.GET.get("application") or request.POST.get("application") or ""
    if not str(pk).isdigit():
        raise Http404
    application = _application_get(request.user, pk)
    status = 200
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                offer = offer_services.offer_create(actor=request.user, application=application, **form.service_kwargs())
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                if offer.needs_approval:
                    messages.warning(request, _(
                        "Offer drafted. The wage is outside the posting's range, so a supervisor or director must approve it before it is sent."
                    ))
                else:
                    messages.success(request, _("Offer drafted. Check the terms, then send it to the candidate."))
                return redirect("recruitment:offer_detail", pk=offer.pk)
        else:
            status = 422
    else:
        form = OfferForm()
    context = {
        "form": form, "application": application, "posting": application.posting, "candidate": application.candidate,
        "open_offer": application.offers.filter(status__in=OPEN_OFFER_STATUSES).first(),
        "is_active": application.status == ApplicationStatus.ACTIVE,
    }
    return render(request, "recruitment/offer_form.html", context, status=status)


@never_cache
@require_GET
@role_required(OFFER, "view")
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_response(request, offer_get(user=request.user, pk=pk))


@require_POST
@role_required(OFFER, "counter")
def offer_counter(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a counter-offer (candidate) or a new company figure → ``offer_counter``."""
    offer = offer_get(user=request.user, pk=pk)
    form = OfferCounterForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, offer, status=422, counter_form=form)
    data = form.cleaned_data
    try:
        offer = offer_services.offer_counter(
            actor=request.user, offer=offer, party=data["party"], monthly_wage=data["monthly_wage"], note=data.get("note") or "",
            probation_wage=data.get("probation_wage"),
        )
    except ValidationError as exc:
        form_add_service_error(form, exc)
        return _refused(request, pk, exc, counter_form=form)
    except ApplicationError as exc:
        return _refused(request, pk, exc)
    if data["party"] == ProposalParty.CANDIDATE:
        message = _("The candidate's counter-offer of ¥%(wage)s was recorded.") % {"wage": f"{data['monthly_wage']:,.2f}"}
    elif offer.needs_approval and offer.approved_at is None:
        message = _("The company's new figure ¥%(wage)s was recorded; it is outside the posting's range and needs approval.") % {
            "wage": f"{data['monthly_wage']:,.2f}"}
    else:
        message = _("The company's new figure ¥%(wage)s was recorded.") % {"wage": f"{data['monthly_wage']:,.2f}"}
    return _after_action(request, offer, message)


@require_POST
@role_required(OFFER, "approve")
def offer_approve(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    try:
        offer = offer_services.offer_approve(actor=request.user, offer=offer)
    except (ValidationError, ApplicationError) as exc:
        return _refused(request, pk, exc)
    return _after_action(request, offer, _("Offer approved. HR can now send it to the candidate."))


@require_POST
@role_required(OFFER, "send")
def offer_send(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    try:
        offer = offer_services.offer_send(actor=request.user, offer=offer)
    except (ValidationError, ApplicationError) as exc:
        return _refused(request, pk, exc)
    return _after_action(request, offer, _("Offer sent; the candidate receives the terms by e-mail."))


@require_POST
@role_required(OFFER, "decide")
def offer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the candidate's answer → ``offer_record_decision`` (accepted opens the background
    check; declined rejects the application with reason "declined our offer")."""
    offer = offer_get(user=request.user, pk=pk)
    form = OfferDecisionForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, offer, status=422, decision_form=form)
    accepted = form.cleaned_data["decision"] == "accepted"
    try:
        offer = offer_services.offer_record_decision(actor=request.user, offer=offer, accepted=accepted, note=form.cleaned_data.get("note") or "")
    except (ValidationError, ApplicationError) as exc:
        return _refused(request, pk, exc)
    if accepted:
        return _after_action(request, offer, _("Accepted. The application moved to the background check; record the candidate's consent next."))
    return _after_action(request, offer, _("Declined. The application was closed with the reason “declined our offer”."))


@require_POST
@role_required(OFFER, "withdraw")
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    form = OfferWithdrawForm(request.POST)
    form.is_valid()
    try:
        offer = offer_services.offer_withdraw(actor=request.user, offer=offer, note=form.cleaned_data.get("note") or "")
    except (ValidationError, ApplicationError) as exc:
        return _refused(request, pk, exc)
    return _after_action(request, offer, _("Offer withdrawn."))


@never_cache
@require_GET
@role_required(OFFER, "approve")
def offer_approval_list(request: HttpRequest) -> HttpResponse:
    """Offers awaiting the user's approval (supervisor: their department; director: all)."""
    offers = list(offer_approval_queue(user=request.user))
    for offer in offers:
        offer.range_deviation = range_deviation(offer)
    return render(request, "recruitment/offer_approval_list.html", {"offers": offers})


def range_deviation(offer: Offer) -> Decimal | None:
    """How far the wage lies outside the posting's range, in % of the nearer bound (positive above
    the maximum, negative below the minimum); ``None`` inside the range."""
    posting = offer.application.posting
    if offer.monthly_wage > posting.salary_max:
        return ((offer.monthly_wage - posting.salary_max) * 100 / posting.salary_max).quantize(Decimal("0.1"))
    if offer.monthly_wage < posting.salary_min:
        return ((offer.monthly_wage - posting.salary_min) * 100 / posting.salary_min).quantize(Decimal("0.1"))
    return None


# --- background check -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(BACKGROUND_CHECK, "record")
def background_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The application's background check: first the separate consent (``background_check_consent_record``),
    then the results (``background_check_result_record``). ``action`` = ``consent`` or ``results``."""
    application = _application_get(request.user, pk)
    consent_form = BackgroundCheckConsentForm()
    check = _background_check(application)
    result_form = BackgroundCheckResultForm(initial={
        "criminal_record": check.criminal_record, "credit_record": check.credit_record, "note": check.note,
    } if check else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "consent":
            consent_form = BackgroundCheckConsentForm(request.POST)
            form = consent_form
        elif action == "results":
            result_form = BackgroundCheckResultForm(request.POST)
            form = result_form
        else:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "consent":
                    offer_services.background_check_consent_record(
                        actor=request.user, application=application, consent_version=data["consent_version"].strip(),
                    )
                    messages.success(request, _("Consent recorded; the check is in progress."))
                else:
                    if check is None:
                        raise Http404
                    check = offer_services.background_check_result_record(
                        actor=request.user, check=check, criminal_record=data["criminal_record"], credit_record=data["credit_record"],
                        note=data.get("note") or "",
                    )
                    messages.success(request, _("Results recorded: %(status)s.") % {"status": check.get_status_display()})
            except ApplicationError as exc:
                _refusal(request, exc)
                status = exc.status
            except ValidationError as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                return redirect("recruitment:background_check", pk=application.pk)
        else:
            status = 422
    context = {
        "application": application, "posting": application.posting, "candidate": application.candidate, "check": check,
        "accepted_offer": application_accepted_offer(application), "consent_form": consent_form, "result_form": result_form,
        "required": application.posting.role == HiringRole.COLLECTOR,
        "is_active": application.status == ApplicationStatus.ACTIVE,
        "can_hire": role_can(request.user, HIRE, "hire") and application.status == ApplicationStatus.ACTIVE and check is not None
        and check.status == BackgroundCheckStatus.CLEAR,
    }
    return render(request, "recruitment/offer_background_check.html", context, status=status)


# --- hire -----------------------------------------------------------------------------------------


def _onboarding_session(user: User, application: Application, offer: Offer | None) -> TrainingSession | None:
    """The onboarding session the hire will join (``training_enrol_onboarding``'s choice), if one is
    planned; ``None`` means one will be planned on the start date."""
    if offer is None:
        return None
    return onboarding_session_next(user=user, team=application.posting.requisition.team, start_on=offer.start_on)


def _hire_preconditions(application: Application, offer: Offer | None, check: BackgroundCheck | None) -> list[str]:
    """What stops the hire now, in the words of the rule (the service is the one that refuses)."""
    problems = []
    if application.status != ApplicationStatus.ACTIVE:
        problems.append(_("This application is closed (%(status)s); it cannot be hired.") % {"status": application.get_status_display()})
    if offer is None:
        problems.append(_("Hire a candidate only after they accepted an offer."))
    if application.posting.role == HiringRole.COLLECTOR and (check is None or check.status != BackgroundCheckStatus.CLEAR):
        problems.append(_(
            "A collector is hired only with a clear background check (no-criminal-record certificate and credit record; "
            "collection guidelines). Current status: %(status)s."
        ) % {"status": check.get_status_display() if check else _("not started")})
    return problems


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(HIRE, "hire")
def application_hire(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm page: what the hire creates (username, role, team, start date, onboarding training);
    POST → ``hiring.application_hire`` → the done page. Refusals come back as messages naming the rule."""
    application = _application_get(request.user, pk)
    if application.status == ApplicationStatus.HIRED and application.hired_user_id:
        return redirect("recruitment:hire_done", pk=application.pk)
    offer = application_accepted_offer(application)
    check = _background_check(application)
    status = 200
    if request.method == "POST":
        form = HireForm(request.POST)
        if form.is_valid():
            try:
                hiring.application_hire(actor=request.user, application=application, username=form.cleaned_data.get("username") or "")
            except (ValidationError, ApplicationError) as exc:
                if isinstance(exc, ApplicationError):
                    _refusal(request, exc)
                    status = exc.status
                else:
                    form_add_service_error(form, exc)
                    if "username" not in getattr(exc, "error_dict", {}):
                        messages.error(request, error_text(exc))
                    status = 422
            else:
                messages.success(request, _("Hired. The account was created and the first-login link was e-mailed."))
                return redirect("recruitment:hire_done", pk=application.pk)
        else:
            status = 422
    else:
        form = HireForm()
    try:
        suggestion = hiring.hire_username(application=application)
    except ValidationError:
        suggestion = ""
    if not form.is_bound:
        form = HireForm(initial={"username": suggestion})
    team = application.posting.requisition.team
    context = {
        "application": application, "posting": application.posting, "candidate": application.candidate, "form": form,
        "offer": offer, "check": check, "team": team, "role_label": application.posting.get_role_display(),
        "is_collector": application.posting.role == HiringRole.COLLECTOR,
        "session": _onboarding_session(request.user, application, offer),
        "problems": _hire_preconditions(application, offer, check),
        "suggestion": suggestion,
    }
    return render(request, "recruitment/hire_confirm.html", context, status=status)


@never_cache
@require_GET
@role_required(HIRE, "hire")
def hire_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The new account and its first-login link (``teams.services.first_login_path``; the token
    stops working once the hire sets a password, so the link is shown only until then)."""
    from teams.services import first_login_path

    application = _application_get(request.user, pk)
    user = application.hired_user
    if application.status != ApplicationStatus.HIRED or user is None:
        raise Http404
    link_usable = user.is_active and not user.has_usable_password()
    first_login_url = request.build_absolute_uri(first_login_path(user)) if link_usable else ""
    context = {
        "application": application, "candidate": application.candidate, "posting": application.posting, "hired_user": user,
        **employee_onboarding_summary(user=request.user, employee=user),
        "first_login_url": first_login_url,
        "link_usable": link_usable,
        "emailed": bool(user.email),
    }
    return render(request, "recruitment/hire_done.html", context)


urlpatterns = [
    path("offers/new/", offer_create, name="offer_create"),
    path("offers/approvals/", offer_approval_list, name="offer_approval_list"),
    path("offers/<int:pk>/", offer_detail, name="offer_detail"),
    path("offers/<int:pk>/counter/", offer_counter, name="offer_counter"),
    path("offers/<int:pk>/approve/", offer_approve, name="offer_approve"),
    path("offers/<int:pk>/send/", offer_send, name="offer_send"),
    path("offers/<int:pk>/decide/", offer_decide, name="offer_decide"),
    path("offers/<int:pk>/withdraw/", offer_withdraw, name="offer_withdraw"),
    path("applications/<int:pk>/background-check/", background_check, name="background_check"),
    path("applications/<int:pk>/hire/", application_hire, name="application_hire"),
    path("applications/<int:pk>/hired/", hire_done, name="hire_done"),
]
