from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/link/", views.person_link, name="link"),
    path("<int:pk>/unlink/", views.person_unlink, name="unlink"),
    path("from/<int:pk>/", views.verification_link, name="from_verification"),
]
