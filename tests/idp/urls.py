from django.urls import include, path

from . import control

urlpatterns = [
    path("", include("allauth.idp.urls")),
    path("accounts/", include("allauth.urls")),
    path("_control/fault", control.fault),
    path("_control/user", control.user),
    path("_control/client", control.client),
]
