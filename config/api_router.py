"""All REST endpoints under /api/v1/; each app registers its viewsets in ``<app>/api/urls.py``."""
from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("collections_app.api.urls")),
    path("", include("teams.api.urls")),
    path("", include("recruitment.api.urls")),
]
