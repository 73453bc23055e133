"""Versions of the notices a candidate consents to (PIPL art. 14, 17, 29). Raising a version makes
new consents carry it; older applications keep the version they consented to."""

PRIVACY_NOTICE_VERSION = "2026-11"
BACKGROUND_CHECK_CONSENT_VERSION = "2026-11"
RETENTION_DAYS_DEFAULT = 180
RESUME_MAX_BYTES = 5 * 1024 * 1024
RESUME_TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "jpg": "image/jpeg", "png": "image/png"}
