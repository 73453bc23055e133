"""Every write in the collections app is a service here (HackSoft styleguide):
``<entity>_<action>(*, actor, …)``, atomic, validated, audited."""
from .allocation import allocation_load_by_collector, allocation_run, allocation_run_create
from .assignment import case_assign, case_unassign, collector_team
from .casework import contact_attempt_record, promise_cancel, promise_mark_overdue_broken, promise_to_pay_create
from .classification import Classifier, case_classify
from .payments import accounts_apply_payment, payment_record, promises_apply_payment, request_fingerprint

__all__ = [
    "allocation_load_by_collector", "allocation_run", "allocation_run_create",
    "Classifier", "accounts_apply_payment", "case_assign", "case_classify", "case_unassign", "collector_team", "contact_attempt_record",
    "payment_record", "promise_cancel", "promise_mark_overdue_broken", "promise_to_pay_create",
    "promises_apply_payment", "request_fingerprint",
]
