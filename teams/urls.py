"""People pages under /people/ (namespace ``people``)."""
from .views import people, training, welcome

app_name = "people"

urlpatterns = training.urlpatterns + people.urlpatterns + welcome.urlpatterns
