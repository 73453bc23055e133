"""Reporting (KPI snapshots, dashboards, scheduled reports) — built in a later issue."""
