"""Landing page (each role to where its day starts) and small helpers every app's pages share."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from common.errors import ApplicationError
from teams.choices import Role

ROLE_HOME = {
    Role.COLLECTOR: "collections:my_queue",
    Role.TEAM_LEAD: "collections:team_queue",
    Role.SUPERVISOR: "collections:allocation",
    Role.DIRECTOR: "collections:team_queue",
    Role.ADMINISTRATOR: "admin:index",
    Role.HR_RECRUITER: "recruitment:home",
}


@login_required
def home(request):
    """Collector → My work queue; lead and director → Team queue; supervisor → Allocation;
    administrator → /admin/ (configuration and audit log). HR → Recruitment. Roles without a start page (legal, integration) get the home page."""
    target = ROLE_HOME.get(request.user.role)
    if target:
        return redirect(target)
    return render(request, "home.html")


def safe_next_url(request: HttpRequest, fallback: str) -> str:
    """The ``next`` of the POST or the query string when it points at this site (same host, no
    scheme downgrade), otherwise ``fallback``: a form never redirects off-site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def error_text(exc: ValidationError | ApplicationError) -> str:
    """One line for a message: the rule's message, or the field errors joined."""
    if isinstance(exc, ApplicationError):
        return exc.message
    if hasattr(exc, "error_dict"):
        return " ".join(m for field_messages in exc.message_dict.values() for m in field_messages)
    return " ".join(exc.messages)
