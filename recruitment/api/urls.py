"""Recruitment endpoints under /api/v1/ (registered by ``recruitment.api.views``)."""
urlpatterns: list = []
