"""Recruitment forms, one module per page family (careers, postings, applications, interviews, offers)."""
