"""Writes for people records (STYLE.md rule 2), one module per sub-domain; other apps import from
here (``teams.services.<name>``)."""
from .accounts import employee_onboard, first_login_path, username_check
from .api_keys import api_key_create
from .people import (
    activity_create, activity_sign_up, activity_signup_cancel, development_goal_add, development_goal_set_status,
    development_plan_create, feedback_answer, feedback_set_status, feedback_submit,
)
from .training import training_attendance_record, training_enrol, training_enrol_onboarding, training_session_create

__all__ = [
    "activity_create", "activity_sign_up", "activity_signup_cancel", "api_key_create", "development_goal_add",
    "development_goal_set_status", "development_plan_create", "employee_onboard", "feedback_answer", "feedback_set_status",
    "feedback_submit", "first_login_path",
    "training_attendance_record", "training_enrol", "training_enrol_onboarding", "training_session_create", "username_check",
]
