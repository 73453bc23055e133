"""The public careers pages under /careers/ (namespace ``careers``): no login."""
from .views import careers

app_name = "careers"

urlpatterns = careers.urlpatterns
