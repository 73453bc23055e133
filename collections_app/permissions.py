"""Role → allowed actions per resource (permissions are data, STYLE.md rule 5).

Read by :class:`common.permissions.RoleActionPermission` (API) and by the HTML views through
:func:`common.permissions.role_can`. Scope (which objects) is ``visible_to``; this table says
which verbs a role may use at all.
"""
from teams.choices import Role

R = Role
# The administrator configures (buckets, tier rules, result codes, policy, creditors, users) in
# /admin/ and reads the audit log; it has no case data and runs no collections work (PRODUCT.md).
COLLECTIONS_STAFF = frozenset({R.COLLECTOR, R.TEAM_LEAD, R.SUPERVISOR, R.DIRECTOR})
CASE_READERS = COLLECTIONS_STAFF | {R.INTEGRATION_CLIENT}
CASE_WORKERS = frozenset({R.COLLECTOR, R.TEAM_LEAD, R.SUPERVISOR})

CASE = {
    "view": CASE_READERS,
    "summary": CASE_READERS,
    "timeline": CASE_READERS,
    "assign": frozenset({R.TEAM_LEAD, R.SUPERVISOR}),
    "claim": frozenset({R.COLLECTOR}),
    "reveal": COLLECTIONS_STAFF,  # every reveal of ID number / phones is audited
}
CONTACT_ATTEMPT = {"view": CASE_READERS, "create": CASE_WORKERS}
PROMISE = {"view": CASE_READERS, "create": CASE_WORKERS, "cancel": frozenset({R.TEAM_LEAD, R.SUPERVISOR})}
PAYMENT = {"view": CASE_READERS, "create": frozenset({R.INTEGRATION_CLIENT, R.SUPERVISOR})}
PLACEMENT = {
    "view": frozenset({R.SUPERVISOR, R.DIRECTOR, R.INTEGRATION_CLIENT}),
    "create": frozenset({R.SUPERVISOR, R.INTEGRATION_CLIENT}),
    "rejected_rows": frozenset({R.SUPERVISOR, R.DIRECTOR, R.INTEGRATION_CLIENT}),
}
CREDITOR = {
    "view": CASE_READERS | {R.ADMINISTRATOR},
    "create": frozenset({R.ADMINISTRATOR}),
    "update": frozenset({R.ADMINISTRATOR}),
    "partial_update": frozenset({R.ADMINISTRATOR}),
}
ALLOCATION = {
    "view": frozenset({R.SUPERVISOR, R.DIRECTOR}),
    "run": frozenset({R.SUPERVISOR}),
}

# Pages that are not a single resource verb, built from the role sets above:
# my_queue — roles that hold cases themselves; team_queue — roles that assign or oversee allocation.
PAGES = {
    "my_queue": frozenset(CASE["claim"]),
    "team_queue": frozenset(CASE["assign"]) | frozenset(ALLOCATION["view"]),
}
