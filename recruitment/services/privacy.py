"""Candidate data on request and after the retention period (issue 3 §10; PIPL art. 19, 45, 47)."""
from __future__ import annotations

import datetime as dt

from teams.models import User

from ..models import Candidate


def candidate_export(*, actor: User, candidate: Candidate) -> dict:
    """Everything held about the candidate (personal fields, work history, applications with
    stages, consents, interviews' times, offers) as a JSON-ready dict; audited."""
    raise NotImplementedError


def candidate_anonymise(*, actor: User | None, candidate: Candidate, reason: str) -> Candidate:
    """Erase personal fields (name → "已匿名", mobile/e-mail/ID blank, work-history employers,
    resume files deleted, cover notes, scorecard notes) but keep applications, stages, sources and
    dates so funnel counts still add up; audited. Refuses a candidate with an active application or
    who was hired (``candidate_active``)."""
    raise NotImplementedError


def candidates_anonymise_rejected(*, now: dt.datetime | None = None, retention_days: int | None = None) -> int:
    """Anonymise candidates whose applications are all closed as rejected/withdrawn for longer
    than ``retention_days`` (default ``settings.RECRUITMENT_RETENTION_DAYS`` = 180). Returns how
    many; a second run finds none."""
    raise NotImplementedError
