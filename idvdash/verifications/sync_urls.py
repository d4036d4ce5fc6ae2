from django.urls import path

from . import sync_views

app_name = "sync"

urlpatterns = [
    path("", sync_views.sync_status, name="status"),
    path("<int:pk>/run/", sync_views.sync_now, name="run"),
]
