"""Collections endpoints under ``/api/v1/`` (URL names ``api:<basename>-list`` / ``-detail``).

The API root (``/api/v1/``) is built in ``config/api_router.py`` from every app's router.
"""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("cases", views.CaseViewSet, basename="case")
router.register("contact-attempts", views.ContactAttemptViewSet, basename="contactattempt")
router.register("promises", views.PromiseToPayViewSet, basename="promise")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("creditors", views.CreditorViewSet, basename="creditor")

urlpatterns = router.urls
