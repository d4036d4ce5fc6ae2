from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("people/<int:pk>/forget/", views.forget_person, name="forget_person"),
]
