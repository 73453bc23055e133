"""People endpoints under ``/api/v1/`` (read-only); the API root lives in config/api_router.py."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("users", views.UserViewSet, basename="user")
router.register("teams", views.TeamViewSet, basename="team")

urlpatterns = router.urls
