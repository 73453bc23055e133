"""Recruitment pages: offers (issue 3). Each module owns its urlpatterns; ``recruitment.urls`` joins them."""
from __future__ import annotations

urlpatterns: list = []
