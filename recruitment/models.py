"""Recruitment (job postings, applications, interviews, offers) — built in a later issue."""
