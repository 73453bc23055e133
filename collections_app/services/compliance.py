"""The compliance guard on contacts (DOMAIN.md "Compliance guard (contact policy)", docs/compliance.md).

:func:`contact_compliance_check` is called by every service that records or starts a contact
(today :func:`collections_app.services.casework.contact_attempt_record`) before it writes. A refusal
is a :class:`common.errors.RuleViolation` whose ``rule`` names the rule and whose message names its
source; a supervisor or administrator may override a policy refusal with a reason, audited as
``compliance_override`` in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import audit_event_record
from common.dates import local_day_bounds
from common.errors import RuleViolation
from teams.choices import Role
from teams.models import User

from ..choices import CaseStatus, Channel, ContactKind, ContactParty, Direction
from ..models import Case, ContactAttempt, ContactPoint, Debtor, ResultCode

GB_T_45251 = "GB/T 45251—2025"
CBA_2026 = gettext_lazy("CBA consumer-loan collection guideline (2026)")
CBRC_CARD_2011 = gettext_lazy("CBRC credit-card rules (2011) art. 68")


@dataclass(frozen=True)
class ContactPolicy:
    """The policy constants of the guard, with their sources (DOMAIN.md table).

    Times are local (``settings.TIME_ZONE``, Asia/Shanghai: debtor time zones are not modelled);
    "per day" means the local calendar day of the attempt's ``started_at``
    (:func:`common.dates.local_day_bounds`).
    """

    # Contact window [start, end) in the debtor's local time, every channel incl. field visits and
    # letters: GB/T 45251—2025 (effective 2025-02-28); CBA consumer-loan collection guideline (2026).
    window_start: dt.time = dt.time(8, 0)
    window_end: dt.time = dt.time(22, 0)
    # Connected outbound voice contacts (channel phone, result code ``is_connect``) with one debtor per
    # local day, across all collectors and all the debtor's cases: GB/T 45251—2025.
    max_connected_voice_per_debtor_day: int = 3
    # Unanswered outbound voice attempts (channel phone, result code not ``is_connect``) to one
    # contact point per local day: CBA consumer-loan collection guideline (2026).
    max_unanswered_per_number_day: int = 6
    # Holds (DOMAIN.md "holds"). There is no complaint/dispute model yet: a COMPLAINT or DISPUTE result
    # recorded on the case in the last ``review_days`` days counts as "under review". A DECEASED
    # result recorded on any case of the debtor holds every case of that debtor, for good.
    review_codes: frozenset[str] = frozenset({"COMPLAINT", "DISPUTE"})
    review_days: int = 30
    deceased_code: str = "DECEASED"
    # Who may override a policy refusal (with a reason, audited): DOMAIN.md "an override needs a supervisor".
    override_roles: frozenset[str] = frozenset({Role.SUPERVISOR})
    # Which contact-point kinds each channel may use; a channel missing here takes any (app messages).
    channel_kinds: dict[str, frozenset[str]] = field(default_factory=lambda: {
        Channel.PHONE: frozenset({ContactKind.MOBILE, ContactKind.LANDLINE}),
        Channel.SMS: frozenset({ContactKind.MOBILE, ContactKind.LANDLINE}),
        Channel.FIELD_VISIT: frozenset({ContactKind.ADDRESS}),
        Channel.LETTER: frozenset({ContactKind.ADDRESS}),
        Channel.EMAIL: frozenset({ContactKind.EMAIL}),
    })


CONTACT_POLICY = ContactPolicy()

#: Rules that describe inconsistent input rather than policy: never overridable.
NOT_OVERRIDABLE = frozenset({"party_mismatch", "channel_contact_point_mismatch"})


def contact_compliance_check(
    *,
    case: Case,
    channel: str,
    party: str,
    contact_point: ContactPoint | None,
    started_at: dt.datetime,
    result_code: ResultCode,
    actor: User | None,
    direction: str = Direction.OUTBOUND,
    corrects: ContactAttempt | None = None,
    override_reason: str = "",
    policy: ContactPolicy = CONTACT_POLICY,
) -> None:
    """Refuse a contact attempt that the contact policy forbids; return ``None`` when it may be recorded.

    Call inside the recording service's transaction, before it writes. Rules, in order (``rule=``):

    * ``override_needs_supervisor`` — ``override_reason`` given by someone who is not a supervisor or
      administrator (refused up front, whatever the other rules say).
    * ``party_mismatch`` — ``party`` differs from the contact point's party (not overridable).
    * ``channel_contact_point_mismatch`` — phone/SMS need a mobile or landline, field visit/letter an
      address, e-mail an e-mail address (not overridable).
    * ``collection_hold`` — case status on hold; a DECEASED result on any case of the debtor; a
      COMPLAINT or DISPUTE result on this case within the last 30 days ("under review": there is no
      complaint model yet).
    * ``do_not_contact`` — the contact point is flagged do-not-contact (CBRC credit-card rules 2011
      art. 68; GB/T 45251—2025).
    * ``third_party_only_when_lost_contact`` — ``party`` is not the debtor and the case is not flagged
      lost contact (GB/T 45251—2025).
    * ``contact_window`` — outbound and ``started_at`` not within 08:00–22:00 Asia/Shanghai
      (GB/T 45251—2025; CBA 2026).
    * ``daily_connected_contacts`` — outbound phone attempt with a connect result that would be the
      4th connected one with this debtor on that local day, all collectors and cases (GB/T 45251—2025).
    * ``daily_unanswered_attempts_per_number`` — outbound phone attempt without a connect that would
      be the 7th unanswered one to this contact point on that local day (CBA 2026).

    Inbound attempts (the debtor called us) are exempt from the window and both counts, and are not
    counted. An attempt superseded by a correction is not counted; a correction does not count the
    attempt it corrects. Counting takes one aggregate query after locking the debtor row, so two
    collectors recording at once cannot both pass a limit.

    With ``override_reason`` (non-empty) from a supervisor or administrator, every overridable
    refusal is waived and audited as ``compliance_override`` (``data={"rule", "reason", ...}``, one
    event per rule) in the caller's transaction. Raises :class:`RuleViolation`.
    """
    override_reason = (override_reason or "").strip()
    if override_reason and getattr(actor, "role", None) not in policy.override_roles:
        raise RuleViolation(
            _("Only a supervisor or an administrator may override the contact policy."), rule="override_needs_supervisor",
        )
    violations = list(_violations(
        case=case, channel=channel, party=party, contact_point=contact_point, started_at=started_at,
        result_code=result_code, direction=direction, corrects=corrects, policy=policy,
        stop_at_first=not override_reason,
    ))
    if not violations:
        return
    blocking = [v for v in violations if not override_reason or v.rule in NOT_OVERRIDABLE]
    if blocking:
        raise blocking[0]
    for violation in violations:
        audit_event_record(actor=actor, verb="compliance_override", target=case, data={
            "rule": violation.rule, "reason": override_reason, "channel": channel, "party": party,
            "contact_point": getattr(contact_point, "pk", None), "started_at": started_at.isoformat(),
            "result_code": result_code.code,
        })


def _violations(
    *, case: Case, channel: str, party: str, contact_point: ContactPoint | None, started_at: dt.datetime,
    result_code: ResultCode, direction: str, corrects: ContactAttempt | None, policy: ContactPolicy, stop_at_first: bool,
):
    """Yield a :class:`RuleViolation` per broken rule, cheapest checks first (no query before the holds)."""
    if contact_point is not None and contact_point.party != party:
        yield RuleViolation(
            _("The contact point belongs to the %(point_party)s, not the %(party)s: choose the party of the contact point.")
            % {"point_party": contact_point.get_party_display(), "party": dict(ContactParty.choices).get(party, party)},
            rule="party_mismatch",
        )
        if stop_at_first:
            return
    kinds = policy.channel_kinds.get(channel)
    if contact_point is not None and kinds is not None and contact_point.kind not in kinds:
        yield RuleViolation(
            _("The channel %(channel)s cannot use a contact point of kind %(kind)s.")
            % {"channel": dict(Channel.choices).get(channel, channel), "kind": contact_point.get_kind_display()},
            rule="channel_contact_point_mismatch",
        )
        if stop_at_first:
            return

    if direction == Direction.INBOUND:
        return  # the debtor called us: the call happened and is always recorded (docs/compliance.md)
    hold = _hold_reason(case=case, policy=policy)
    if hold:
        yield RuleViolation(
            _("Collection is on hold for this case (%(reason)s): no contact may be made (DOMAIN.md compliance guard, holds).") % {"reason": hold},
            rule="collection_hold",
        )
        if stop_at_first:
            return
    if contact_point is not None and contact_point.do_not_contact:
        yield RuleViolation(
            _("This contact point is marked do-not-contact and is never contacted (%(source)s).") % {"source": f"{CBRC_CARD_2011}; {GB_T_45251}"},
            rule="do_not_contact",
        )
        if stop_at_first:
            return
    if party != ContactParty.DEBTOR and not case.lost_contact:
        yield RuleViolation(
            _("Third parties may be contacted only after lost contact with the debtor has been recorded on the case (%(source)s).")
            % {"source": GB_T_45251},
            rule="third_party_only_when_lost_contact",
        )
        if stop_at_first:
            return

    local = timezone.localtime(started_at)
    if not (policy.window_start <= local.time() < policy.window_end):
        yield RuleViolation(
            _("Contact is allowed only between %(start)s and %(end)s local time; this attempt starts at %(time)s (%(source)s).")
            % {"start": policy.window_start.strftime("%H:%M"), "end": policy.window_end.strftime("%H:%M"),
               "time": local.strftime("%Y-%m-%d %H:%M"), "source": f"{GB_T_45251}; {CBA_2026}"},
            rule="contact_window",
        )
        if stop_at_first:
            return
    if channel != Channel.PHONE:
        return
    connected, unanswered = _day_counts(case=case, contact_point=contact_point, day=local.date(), corrects=corrects)
    if result_code.is_connect and connected >= policy.max_connected_voice_per_debtor_day:
        yield RuleViolation(
            _("The debtor has already had %(count)s connected calls on %(day)s; at most %(limit)s a day across all collectors (%(source)s).")
            % {"count": connected, "day": local.date().isoformat(), "limit": policy.max_connected_voice_per_debtor_day, "source": GB_T_45251},
            rule="daily_connected_contacts",
        )
    elif not result_code.is_connect and contact_point is not None and unanswered >= policy.max_unanswered_per_number_day:
        yield RuleViolation(
            _("This number has already had %(count)s unanswered calls on %(day)s; at most %(limit)s a day (%(source)s).")
            % {"count": unanswered, "day": local.date().isoformat(), "limit": policy.max_unanswered_per_number_day, "source": CBA_2026},
            rule="daily_unanswered_attempts_per_number",
        )


def _hold_reason(*, case: Case, policy: ContactPolicy) -> str:
    """Why the case is on hold ("" when it is not): status, then one query for DECEASED / review results."""
    if case.status == CaseStatus.ON_HOLD:
        return _("case status is on hold")
    since = timezone.now() - dt.timedelta(days=policy.review_days)
    code = (
        ContactAttempt.objects.filter(
            Q(case__debtor_id=case.debtor_id, result_code_id=policy.deceased_code)
            | Q(case_id=case.pk, result_code_id__in=policy.review_codes, started_at__gte=since)
        )
        .order_by()
        .values_list("result_code_id", flat=True)
        .first()
    )
    if code is None:
        return ""
    if code == policy.deceased_code:
        return _("the debtor is recorded as deceased")
    return _("a %(code)s recorded in the last %(days)s days is under review") % {"code": code, "days": policy.review_days}


def _day_counts(*, case: Case, contact_point: ContactPoint | None, day: dt.date, corrects: ContactAttempt | None) -> tuple[int, int]:
    """(connected outbound phone attempts with the debtor, unanswered outbound phone attempts to
    ``contact_point``) on local ``day``, after locking the debtor row so concurrent recordings queue."""
    Debtor.objects.select_for_update().filter(pk=case.debtor_id).values_list("pk", flat=True).first()
    start, end = local_day_bounds(day)
    attempts = ContactAttempt.objects.filter(
        case__debtor_id=case.debtor_id, channel=Channel.PHONE, direction=Direction.OUTBOUND,
        started_at__gte=start, started_at__lt=end, corrections__isnull=True,
    )
    if corrects is not None:
        attempts = attempts.exclude(pk=corrects.pk)
    counts = {"connected": Count("pk", filter=Q(result_code__is_connect=True))}
    if contact_point is not None:
        counts["unanswered"] = Count("pk", filter=Q(result_code__is_connect=False, contact_point_id=contact_point.pk))
    totals = attempts.aggregate(**counts)
    return totals["connected"], totals.get("unanswered", 0)
