from .views import case, queues

app_name = "reviews"

urlpatterns = [*case.urlpatterns, *queues.urlpatterns]
