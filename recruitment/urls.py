"""HR pages under /recruitment/ (namespace ``recruitment``); the public careers pages live in
``recruitment.urls_public`` under /careers/ (namespace ``careers``)."""
from .views import analytics, applications, interviews, offers, postings

app_name = "recruitment"

urlpatterns = postings.urlpatterns + applications.urlpatterns + interviews.urlpatterns + offers.urlpatterns + analytics.urlpatterns
