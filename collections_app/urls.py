"""Pages of the collections app, under /collections/ (namespace ``collections``)."""
from django.urls import path

from . import views

app_name = "collections"

urlpatterns = [
    path("queue/", views.my_queue, name="my_queue"),
    path("team/", views.team_queue, name="team_queue"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/timeline/", views.case_timeline_partial, name="case_timeline"),
    path("cases/<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("cases/<int:pk>/attempts/", views.case_attempt_create, name="case_attempt_create"),
    path("cases/<int:pk>/promises/", views.case_promise_create, name="case_promise_create"),
    path("cases/<int:pk>/reassign/", views.case_reassign, name="case_reassign"),
    path("allocation/", views.allocation, name="allocation"),
    path("allocation/run/", views.allocation_run, name="allocation_run"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/upload/", views.placement_upload, name="placement_upload"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/progress/", views.placement_progress, name="placement_progress"),
    path("placements/<int:pk>/rejected-rows.csv", views.placement_rejected_csv, name="placement_rejected_csv"),
]
