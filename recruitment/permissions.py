"""Role → allowed actions per recruitment resource (permissions are data, STYLE.md rule 5).

Read by :class:`common.permissions.RoleActionPermission` (API) and the HTML views through
:func:`common.permissions.role_can`. Which rows: each model's ``visible_to``. Candidate data:
HR, plus the interviewers of an application and the approvers of its offer; never collectors,
legal, administrators (issue 3 §10). Integration clients (job boards) only create applications.
"""
from teams.choices import Role

R = Role
HR = frozenset({R.HR_RECRUITER})
PANEL = frozenset({R.HR_RECRUITER, R.TEAM_LEAD, R.SUPERVISOR, R.DIRECTOR})  # may sit on an interview

REQUISITION = {
    "view": frozenset({R.HR_RECRUITER, R.SUPERVISOR, R.DIRECTOR}),
    "create": frozenset({R.HR_RECRUITER, R.SUPERVISOR}),
    "approve": frozenset({R.SUPERVISOR, R.DIRECTOR}),
}
POSTING = {
    "view": frozenset({R.HR_RECRUITER, R.SUPERVISOR, R.DIRECTOR}),  # every status; the public sees open ones
    "create": HR,
    "update": HR,
    "partial_update": HR,
    "publish": HR,
}
APPLICATION = {
    "view": PANEL,
    "create": frozenset({R.HR_RECRUITER, R.INTEGRATION_CLIENT}),
    "update": HR,
    "partial_update": HR,
    "move": HR,
    "reject": HR,
    "withdraw": HR,  # record that the candidate withdrew
    "merge": HR,
    "privacy": HR,  # export / delete on request
    "resume": PANEL,
    "contact": HR,  # full mobile / e-mail / ID number on the page; panel members see them masked
    "enter": HR,  # the HTML page where HR enters a referral / walk-in (job boards create through the API)
}
INTERVIEW = {"view": PANEL, "create": HR, "cancel": HR, "scorecard": PANEL, "scorecards": PANEL}
OFFER = {
    "view": frozenset({R.HR_RECRUITER, R.SUPERVISOR, R.DIRECTOR}),
    "create": HR,
    "counter": HR,
    "send": HR,
    "approve": frozenset({R.SUPERVISOR, R.DIRECTOR}),
    "decide": HR,   # record accepted / declined
    "withdraw": HR,
}
BACKGROUND_CHECK = {"view": HR, "record": HR}
HIRE = {"hire": HR}
ANALYTICS = {"view": frozenset({R.HR_RECRUITER, R.SUPERVISOR, R.DIRECTOR})}
EMAIL_TEMPLATE = {"view": HR, "update": HR}

# Pages that are not a single resource verb.
PAGES = {
    "recruitment_home": PANEL,   # HR: the whole module; panel members: their interviews
}
