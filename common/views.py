"""Landing page: send each role to where its day starts."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

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
