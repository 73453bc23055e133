"""Collections endpoints under ``/api/v1/`` (URL names ``api:<basename>-list`` / ``-detail``).

The API root (``/api/v1/``) lists these and the teams endpoints (collections_app may import teams,
never the reverse).
"""
from django.urls import path
from rest_framework.routers import APIRootView, SimpleRouter

from teams.api.urls import router as teams_router

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("cases", views.CaseViewSet, basename="case")
router.register("contact-attempts", views.ContactAttemptViewSet, basename="contactattempt")
router.register("promises", views.PromiseToPayViewSet, basename="promise")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("creditors", views.CreditorViewSet, basename="creditor")

api_root = APIRootView.as_view(
    api_root_dict={prefix: f"{basename}-list" for prefix, _viewset, basename in [*router.registry, *teams_router.registry]}
)

urlpatterns = [path("", api_root, name="api-root"), *router.urls]
