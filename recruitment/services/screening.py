"""Screening rules per posting and their evaluation (issue 3 §3)."""
from __future__ import annotations

from teams.models import User

from ..models import Application, JobPosting, ScreeningResult, ScreeningRule


def screening_rules_install_defaults(*, posting: JobPosting) -> list[ScreeningRule]:
    """Default rules for the posting's role (docs/recruitment.md gives the table): collector ≥ 大专,
    Mandarin ≥ 二级乙等 (flag), consumer-loan or card collection experience ≥ 6 months (score);
    team lead and supervisor ask for more experience. None auto-rejects by default."""
    raise NotImplementedError


def screening_rule_save(*, actor: User, posting: JobPosting, rule: ScreeningRule | None = None, **fields) -> ScreeningRule:
    """Create or update a rule (``full_clean``: the parameter the kind needs must be set)."""
    raise NotImplementedError


def application_screen(*, application: Application, actor: User | None = None) -> list[ScreeningResult]:
    """Evaluate every active rule of the posting on ``application``; store one result per rule and
    the application's score, tags and flag. A failed rule with ``auto_reject`` rejects the
    application (reason ``screening_rule``) through ``pipeline.application_reject``."""
    raise NotImplementedError


def screening_result_reason(result: ScreeningResult) -> str:
    """Human reason in the active language, e.g. "Education 本科 ≥ 大专: passed"."""
    raise NotImplementedError
