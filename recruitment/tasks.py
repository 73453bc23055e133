"""Celery tasks of recruitment: primitive ids in, one service call, safe to run twice."""
from __future__ import annotations

from celery import shared_task


@shared_task(time_limit=60, soft_time_limit=50, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=3)
def candidate_email_send_task(application_id: int, stage_id: int) -> bool:
    """Send the stage e-mail (``pipeline.candidate_email_send``); retried on SMTP connection errors."""
    from .services.pipeline import candidate_email_send

    return candidate_email_send(application_id=application_id, stage_id=stage_id)


@shared_task(time_limit=60, soft_time_limit=50, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=3)
def offer_letter_send_task(offer_id: int) -> bool:
    """E-mail a sent offer's terms to the candidate (``offers.offer_letter_send``); nothing once the
    offer is no longer sent."""
    from .services.offers import offer_letter_send

    return offer_letter_send(offer_id=offer_id)


@shared_task(time_limit=60, soft_time_limit=50, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=3)
def hire_welcome_email_send_task(user_id: int) -> bool:
    """E-mail a new hire their first-login link (``hiring.hire_welcome_email_send``); nothing once
    they have chosen a password."""
    from .services.hiring import hire_welcome_email_send

    return hire_welcome_email_send(user_id=user_id)


@shared_task(time_limit=5 * 60, soft_time_limit=4 * 60)
def interview_reminders_send_task() -> int:
    """Hourly: remind interviewers and candidates of interviews in the next 24 hours."""
    from .services.interviews import interview_reminders_send

    return interview_reminders_send()


@shared_task(time_limit=5 * 60, soft_time_limit=4 * 60)
def offers_expire_task() -> int:
    """Nightly (00:15 Beijing time): expire sent offers past their answer-by date."""
    from .services.offers import offers_expire

    return offers_expire()


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def candidates_anonymise_rejected_task() -> int:
    """Nightly (02:30 Beijing time): anonymise rejected candidates past the retention period."""
    from .services.privacy import candidates_anonymise_rejected

    return candidates_anonymise_rejected()
