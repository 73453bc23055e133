"""People pages: welcome (issue 3 §7–9)."""
from __future__ import annotations

urlpatterns: list = []
