"""All REST endpoints under /api/v1/; each app registers its viewsets on a router in
``<app>/api/urls.py`` and the API root here lists every one of them."""
from django.urls import include, path
from rest_framework.routers import APIRootView

from collections_app.api.urls import router as collections_router
from recruitment.api.urls import router as recruitment_router
from teams.api.urls import router as teams_router

app_name = "api"

ROUTERS = (collections_router, teams_router, recruitment_router)

api_root = APIRootView.as_view(
    api_root_dict={prefix: f"{basename}-list" for router in ROUTERS for prefix, _viewset, basename in router.registry}
)

urlpatterns = [
    path("", api_root, name="api-root"),
    path("", include("collections_app.api.urls")),
    path("", include("teams.api.urls")),
    path("", include("recruitment.api.urls")),
]
