"""Landing page: send each role to where its day starts."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from teams.choices import Role

ROLE_HOME = {
    Role.COLLECTOR: "collections:my_queue",
    Role.TEAM_LEAD: "collections:team_queue",
    Role.SUPERVISOR: "collections:allocation",
    Role.DIRECTOR: "collections:team_queue",
    Role.ADMINISTRATOR: "collections:team_queue",
}


@login_required
def home(request):
    target = ROLE_HOME.get(request.user.role)
    if target:
        try:
            return redirect(target)
        except Exception:  # noqa: BLE001 - page not available yet
            pass
    return render(request, "home.html")
