from django.urls import path

from . import views

app_name = "verifications"

urlpatterns = [
    path("", views.verification_list, name="list"),
    path("export.csv", views.verification_export, name="export"),
    path("<int:pk>/", views.verification_detail, name="detail"),
    path("<int:pk>/live-status/", views.verification_live_status_hx, name="live_status"),
    path("<int:pk>/data/", views.verification_data_hx, name="data"),
    path("<int:pk>/files/", views.verification_files_hx, name="files"),
]

# The Sync page, included under /sync/ in the "sync" namespace (idvdash/urls.py).
sync_patterns = [
    path("", views.sync_status, name="status"),
    path("<int:pk>/run/", views.sync_now, name="run"),
]
