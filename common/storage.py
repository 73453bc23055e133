"""Private file storage: files holding personal data (placement files, resumes) are kept under
``settings.PRIVATE_STORAGE_ROOT``, outside MEDIA_ROOT, and are only served through
permission-checked, audited views."""
from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage under ``settings.PRIVATE_STORAGE_ROOT``, read on every use (so a test or a
    deployment that changes the setting is obeyed); nothing here has a public URL."""

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_STORAGE_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")
