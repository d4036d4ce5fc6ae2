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
