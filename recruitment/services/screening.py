"""Screening rules per posting and their evaluation (issue 3 §3).

Each active rule of the application's posting is evaluated on the candidate's data and stored as a
``ScreeningResult`` (``detail`` = the figures compared, so the reason reads in either language):

- ``education_min``: education level ≥ ``education_level`` (the ordered scale in ``EducationLevel``);
- ``experience_months``: sum of the months of work-history lines tagged with one of ``industries``
  ≥ ``months``;
- ``mandarin_min``: Mandarin certificate ≥ ``mandarin_level`` (no certificate = 0, fails any
  minimum).

Then: score = sum of ``points`` of passed ``score`` rules; tags = the ``tag`` of failed ``tag``
rules plus that of passed ``score`` rules that have one; flagged = any failed ``flag`` rule. A failed
rule with ``auto_reject`` (off unless HR turned it on) rejects the application. Gender, age and
anything DOMAIN.md forbids are not fields, so no rule can use them."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.errors import RuleViolation
from teams.models import User

from ..choices import ApplicationStatus, EducationLevel, Industry, MandarinLevel, RefuseReason, ScreeningAction, ScreeningRuleKind
from ..defaults import SCREENING_RULES
from ..models import Application, JobPosting, ScreeningResult, ScreeningRule

RULE_FIELDS = ("kind", "education_level", "industries", "months", "mandarin_level", "action", "tag", "points", "auto_reject", "is_active", "position")


@transaction.atomic
def screening_rules_install_defaults(*, posting: JobPosting) -> list[ScreeningRule]:
    """Default rules for the posting's role (docs/recruitment.md gives the table): collector ≥ 大专,
    Mandarin ≥ 二级乙等 (flag), consumer-loan or card collection experience ≥ 6 months (score);
    team lead and supervisor ask for more experience. None auto-rejects by default. Idempotent: a
    posting that already has rules keeps them."""
    existing = list(posting.screening_rules.all())
    if existing:
        return existing
    rules = [ScreeningRule(posting=posting, position=index, **spec) for index, spec in enumerate(SCREENING_RULES.get(posting.role, []))]
    for rule in rules:
        rule.full_clean(exclude=["posting"])
    return ScreeningRule.objects.bulk_create(rules)


def screening_rule_clean(rule: ScreeningRule) -> None:
    """The parameter the kind needs is set (and the others cleared), the action has what it needs.
    Raises ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    if rule.kind == ScreeningRuleKind.EDUCATION_MIN:
        if rule.education_level is None:
            errors["education_level"] = _("An education rule needs the minimum education level.")
        rule.industries, rule.months, rule.mandarin_level = [], None, None
    elif rule.kind == ScreeningRuleKind.EXPERIENCE_MONTHS:
        industries = list(rule.industries or [])
        if not industries:
            errors["industries"] = _("An experience rule needs at least one industry.")
        elif any(value not in Industry.values for value in industries):
            errors["industries"] = _("Unknown industry: %(values)s.") % {"values": ", ".join(str(v) for v in industries if v not in Industry.values)}
        if rule.months is None or rule.months < 1:
            errors["months"] = _("An experience rule needs the minimum months (1 or more).")
        rule.industries = sorted(set(industries), key=industries.index)
        rule.education_level, rule.mandarin_level = None, None
    elif rule.kind == ScreeningRuleKind.MANDARIN_MIN:
        if rule.mandarin_level is None or rule.mandarin_level == MandarinLevel.NONE:
            errors["mandarin_level"] = _("A Mandarin rule needs a certificate grade.")
        rule.industries, rule.months, rule.education_level = [], None, None
    if rule.action == ScreeningAction.TAG and not (rule.tag or "").strip():
        errors["tag"] = _("A tag rule needs the tag to add.")
    if rule.action == ScreeningAction.SCORE and not rule.points:
        errors["points"] = _("A score rule needs points (not 0).")
    rule.tag = (rule.tag or "").strip()
    try:
        rule.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def screening_rule_save(*, actor: User, posting: JobPosting, rule: ScreeningRule | None = None, **fields) -> ScreeningRule:
    """Create or update a rule (``full_clean``: the parameter the kind needs must be set). Fields:
    ``RULE_FIELDS``. Raises ``ValidationError`` (missing parameter, unknown field) or
    ``RuleViolation`` (``rule_of_other_posting``). Existing applications keep their results until
    they are screened again."""
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError({name: _("Unknown screening rule field.") for name in unknown})
    if rule is None:
        rule = ScreeningRule(posting=posting)
        if "position" not in fields:
            rule.position = (max(posting.screening_rules.values_list("position", flat=True), default=-1)) + 1
        changed: list[str] | None = None
    else:
        rule = ScreeningRule.objects.select_for_update().get(pk=rule.pk)
        if rule.posting_id != posting.pk:
            raise RuleViolation(_("That screening rule belongs to another posting."), rule="rule_of_other_posting")
        changed = [name for name, value in fields.items() if getattr(rule, name) != value]
    for name, value in fields.items():
        setattr(rule, name, value)
    screening_rule_clean(rule)
    if changed is None:
        rule.save()
        verb = "screening_rule_created"
    else:
        # the kind's clean-up may clear other parameters, so save them all
        rule.save(update_fields=[name for name in RULE_FIELDS if name != "position" or "position" in fields])
        verb = "screening_rule_updated"
    audit_event_record(actor=actor, verb=verb, target=posting, data={"rule": rule.pk, "kind": rule.kind, "fields": sorted(fields)})
    return rule


def screening_rule_evaluate(rule: ScreeningRule, *, education_level: int, mandarin_level: int, months_by_industry: dict[str, int]) -> tuple[bool, dict]:
    """(passed, detail) of one rule on a candidate's figures; ``detail`` = ``{"required": …,
    "actual": …}`` (plus ``industries`` for experience rules)."""
    if rule.kind == ScreeningRuleKind.EDUCATION_MIN:
        return education_level >= rule.education_level, {"required": rule.education_level, "actual": education_level}
    if rule.kind == ScreeningRuleKind.MANDARIN_MIN:
        actual = mandarin_level or MandarinLevel.NONE
        return actual >= rule.mandarin_level, {"required": rule.mandarin_level, "actual": int(actual)}
    if rule.kind == ScreeningRuleKind.EXPERIENCE_MONTHS:
        actual = sum(months_by_industry.get(industry, 0) for industry in rule.industries)
        return actual >= rule.months, {"required": rule.months, "actual": actual, "industries": list(rule.industries)}
    raise ValueError(f"unknown screening rule kind {rule.kind!r}")


@transaction.atomic
def application_screen(*, application: Application, actor: User | None = None) -> list[ScreeningResult]:
    """Evaluate every active rule of the posting on ``application``; store one result per rule and
    the application's score, tags and flag. A failed rule with ``auto_reject`` rejects the
    application (reason ``screening_rule``) through ``pipeline.application_reject``. Results of
    rules that were removed or deactivated are dropped. Safe to run again (results are updated)."""
    from .pipeline import application_reject

    candidate = application.candidate
    months_by_industry: dict[str, int] = {}
    for line in candidate.work_history.all():
        months_by_industry[line.industry] = months_by_industry.get(line.industry, 0) + line.months
    rules = list(application.posting.screening_rules.filter(is_active=True).order_by("position", "id"))
    results, score, tags, flagged, rejecting = [], 0, [], False, []
    for rule in rules:
        passed, detail = screening_rule_evaluate(
            rule, education_level=candidate.education_level, mandarin_level=candidate.mandarin_level, months_by_industry=months_by_industry,
        )
        result, _created = ScreeningResult.objects.update_or_create(application=application, rule=rule, defaults={"passed": passed, "detail": detail})
        result.rule = rule
        results.append(result)
        if rule.action == ScreeningAction.SCORE and passed:
            score += rule.points
            if rule.tag:
                tags.append(rule.tag)
        elif rule.action == ScreeningAction.TAG and not passed and rule.tag:
            tags.append(rule.tag)
        elif rule.action == ScreeningAction.FLAG and not passed:
            flagged = True
        if rule.auto_reject and not passed:
            rejecting.append(result)
    ScreeningResult.objects.filter(application=application).exclude(rule__in=rules).delete()
    application.screening_score = score
    application.screening_tags = list(dict.fromkeys(tags))
    application.screening_flagged = flagged
    application.save(update_fields=["screening_score", "screening_tags", "screening_flagged"])
    audit_event_record(
        actor=actor, verb="application_screened", target=application,
        data={"score": score, "tags": application.screening_tags, "flagged": flagged, "failed": [r.rule_id for r in results if not r.passed]},
    )
    if rejecting and application.status == ApplicationStatus.ACTIVE:
        note = "; ".join(screening_result_reason(result) for result in rejecting)
        application_reject(actor=actor, application=application, reason=RefuseReason.SCREENING_RULE, note=note)
    return results


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def screening_result_reason(result: ScreeningResult) -> str:
    """Human reason in the active language, e.g. "Education: Bachelor's degree ≥ Junior college
    (dazhuan) — passed", "Experience in Consumer-loan collection / Credit-card collection: 3 months
    < 6 months required — failed"."""
    rule, detail = result.rule, result.detail or {}
    required, actual = detail.get("required"), detail.get("actual")
    outcome = _("passed") if result.passed else _("failed")
    if rule.kind == ScreeningRuleKind.EDUCATION_MIN:
        values = {"actual": _label(EducationLevel, actual), "required": _label(EducationLevel, required), "outcome": outcome}
        if result.passed:
            return _("Education: %(actual)s ≥ %(required)s — %(outcome)s") % values
        return _("Education: %(actual)s < %(required)s required — %(outcome)s") % values
    if rule.kind == ScreeningRuleKind.MANDARIN_MIN:
        values = {"actual": _label(MandarinLevel, actual), "required": _label(MandarinLevel, required), "outcome": outcome}
        if result.passed:
            return _("Mandarin: %(actual)s ≥ %(required)s — %(outcome)s") % values
        return _("Mandarin: %(actual)s < %(required)s required — %(outcome)s") % values
    if rule.kind == ScreeningRuleKind.EXPERIENCE_MONTHS:
        industries = " / ".join(_label(Industry, value) for value in detail.get("industries", rule.industries))
        values = {"industries": industries, "actual": actual, "required": required, "outcome": outcome}
        if result.passed:
            return _("Experience in %(industries)s: %(actual)s months ≥ %(required)s months — %(outcome)s") % values
        return _("Experience in %(industries)s: %(actual)s months < %(required)s months required — %(outcome)s") % values
    return f"{rule.get_kind_display()} — {outcome}"


@transaction.atomic
def screening_rule_delete(*, actor: User, posting: JobPosting, rule: ScreeningRule) -> None:
    """Delete a rule that has never been evaluated. A rule with stored results is kept, because
    those results say why applications passed or failed (issue 3 §3): deactivate it instead.
    Raises ``RuleViolation`` (``rule_of_other_posting`` / ``rule_has_results``)."""
    rule = ScreeningRule.objects.select_for_update().get(pk=rule.pk)
    if rule.posting_id != posting.pk:
        raise RuleViolation(_("That screening rule belongs to another posting."), rule="rule_of_other_posting")
    if rule.results.exists():
        raise RuleViolation(
            _("“%(rule)s” has already screened applications and stays for their results; deactivate it instead.") % {"rule": rule.get_kind_display()},
            rule="rule_has_results",
        )
    pk, kind = rule.pk, rule.kind
    rule.delete()
    audit_event_record(actor=actor, verb="screening_rule_deleted", target=posting, data={"rule": pk, "kind": kind})
