"""Every write in the collections app is a service here (HackSoft styleguide):
``<entity>_<action>(*, actor, …)``, atomic, validated, audited."""
from .assignment import case_assign, case_unassign, collector_team
from .casework import contact_attempt_record, promise_cancel, promise_mark_overdue_broken, promise_to_pay_create
from .classification import Classifier, case_classify
from .payments import payment_record, promises_apply_payment, request_fingerprint

__all__ = [
    "Classifier", "case_assign", "case_classify", "case_unassign", "collector_team", "contact_attempt_record",
    "payment_record", "promise_cancel", "promise_mark_overdue_broken", "promise_to_pay_create",
    "promises_apply_payment", "request_fingerprint",
]
