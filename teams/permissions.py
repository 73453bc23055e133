"""Role → allowed actions for people records (permissions are data, STYLE.md rule 5).

Scope (which rows) is each model's ``visible_to``; these tables say which verbs a role may use.
HR plans training now; leads and supervisors read their teams' training and plans (issue 3 §8).
"""
from teams.choices import Role

R = Role
EVERY_ROLE = frozenset(Role.values)
STAFF = frozenset(Role.values) - {R.INTEGRATION_CLIENT, R.ADMINISTRATOR}
PEOPLE_READERS = frozenset({R.HR_RECRUITER, R.TEAM_LEAD, R.SUPERVISOR, R.DIRECTOR})

USER = {"view": EVERY_ROLE}
TEAM = {"view": EVERY_ROLE}
TRAINING = {
    "view": PEOPLE_READERS,
    "manage": frozenset({R.HR_RECRUITER}),          # create / edit sessions, enrol
    "record": frozenset({R.HR_RECRUITER}),          # attendance and results (the trainer may too: service checks)
    "my_training": STAFF,
}
DEVELOPMENT_PLAN = {"view": PEOPLE_READERS | {R.COLLECTOR}, "manage": frozenset({R.HR_RECRUITER})}
FEEDBACK = {"submit": STAFF, "view": STAFF, "answer": frozenset({R.HR_RECRUITER})}
ACTIVITY = {"view": STAFF, "sign_up": STAFF, "manage": frozenset({R.HR_RECRUITER})}
