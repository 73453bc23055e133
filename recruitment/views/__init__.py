"""Recruitment pages, one module per sub-domain; each holds its own ``urlpatterns``."""
