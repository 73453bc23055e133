"""Recruitment endpoints under ``/api/v1/`` (URL names ``api:<basename>-list`` / ``-detail`` and
``api:<basename>-<action>``): postings (public read), applications, interviews, offers."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("postings", views.JobPostingViewSet, basename="posting")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("interviews", views.InterviewViewSet, basename="interview")
router.register("offers", views.OfferViewSet, basename="offer")

urlpatterns = router.urls
