"""People pages: training (issue 3 §7–9)."""
from __future__ import annotations

urlpatterns: list = []
