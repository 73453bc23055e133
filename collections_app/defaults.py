"""Default buckets, risk-tier rules and result codes from DOMAIN.md (administrators may edit them).

Installed by migration 0003; :func:`configuration_defaults_install` is idempotent and also
restores them where a test flushed the database.
"""
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils.translation import gettext_lazy as _

BUCKETS = [
    # code, order, min_dpd, max_dpd, min_cycles, max_cycles
    ("M0", 0, 0, 0, 0, 0),
    ("M1", 1, 1, 30, 1, 1),
    ("M2", 2, 31, 60, 2, 2),
    ("M3", 3, 61, 90, 3, 3),
    ("M4", 4, 91, 120, 4, 4),
    ("M5", 5, 121, 150, 5, 5),
    ("M6", 6, 151, 180, 6, 6),
    ("M7+", 7, 181, None, 7, None),
]

TIER_RULES = [
    # order, name, tier, field values
    (10, "high_bucket_m3_plus", "high", {"min_bucket_order": 3}),
    (20, "high_overdue_50000", "high", {"min_overdue_amount": Decimal("50000.00")}),
    (30, "high_two_broken_promises_180d", "high", {"min_broken_promises": 2}),
    (40, "high_lost_contact", "high", {"on_lost_contact": True}),
    (50, "medium_bucket_m2", "medium", {"exact_bucket_order": 2}),
    (60, "medium_overdue_10000", "medium", {"min_overdue_amount": Decimal("10000.00")}),
    (70, "medium_one_broken_promise_180d", "medium", {"min_broken_promises": 1}),
    (80, "low_default", "low", {"is_catch_all": True}),
]

# What each default rule means, for people (a rule an administrator adds shows its name).
TIER_RULE_LABELS = {
    "high_bucket_m3_plus": _("Bucket M3 or later"),
    "high_overdue_50000": _("Overdue amount ≥ ¥50,000"),
    "high_two_broken_promises_180d": _("2 or more broken promises in 180 days"),
    "high_lost_contact": _("Lost contact"),
    "medium_bucket_m2": _("Bucket M2"),
    "medium_overdue_10000": _("Overdue amount ≥ ¥10,000"),
    "medium_one_broken_promise_180d": _("1 broken promise in 180 days"),
    "low_default": _("No higher-risk rule matched"),
}

RESULT_CODES = [
    # code, zh, en, connect, right party, follow-up
    ("PTP", "承诺还款", "Promise to pay", True, True, True),
    ("RTP", "拒绝还款", "Refuses to pay", True, True, True),
    ("WTP", "有还款意愿未定日期", "Willing to pay, no date", True, True, True),
    ("TPP", "第三方代偿", "Third party will pay", True, False, True),
    ("NSA", "非本人接听", "Not the debtor answered", True, False, True),
    ("WRONG_NUMBER", "号码错误", "Wrong number", True, False, False),
    ("NO_ANSWER", "无人接听", "No answer", False, False, True),
    ("BUSY", "忙线", "Busy", False, False, True),
    ("POWERED_OFF", "关机", "Powered off", False, False, True),
    ("SUSPENDED", "停机", "Suspended", False, False, True),
    ("EMPTY_NUMBER", "空号", "Empty number", False, False, False),
    ("VOICEMAIL", "语音信箱", "Voicemail", False, False, True),
    ("CALLBACK_REQUESTED", "要求回电", "Call-back requested", True, True, True),
    ("DISPUTE", "争议", "Dispute", True, True, True),
    ("COMPLAINT", "投诉", "Complaint", True, True, True),
    ("DECEASED", "已故", "Deceased", True, False, False),
    ("LOST_CONTACT", "失联", "Lost contact", False, False, True),
]


def configuration_defaults_install(apps=django_apps) -> None:
    """Create or update the default configuration rows (idempotent)."""
    BucketDefinition = apps.get_model("collections_app", "BucketDefinition")
    TierRule = apps.get_model("collections_app", "TierRule")
    ResultCode = apps.get_model("collections_app", "ResultCode")
    AllocationPolicy = apps.get_model("collections_app", "AllocationPolicy")
    for code, order, min_dpd, max_dpd, min_cycles, max_cycles in BUCKETS:
        BucketDefinition.objects.update_or_create(
            code=code, defaults=dict(order=order, min_dpd=min_dpd, max_dpd=max_dpd, min_cycles=min_cycles, max_cycles=max_cycles)
        )
    for order, name, tier, fields in TIER_RULES:
        TierRule.objects.update_or_create(name=name, defaults=dict(order=order, tier=tier, **fields))
    for i, (code, zh, en, connect, rpc, follow) in enumerate(RESULT_CODES):
        ResultCode.objects.update_or_create(
            code=code, defaults=dict(label_zh=zh, label_en=en, is_connect=connect, is_right_party=rpc, needs_follow_up=follow, order=i)
        )
    AllocationPolicy.objects.get_or_create(pk=1)
