from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from idvdash.core import views as core_views
from idvdash.verifications.urls import sync_patterns
from idvdash.verifications.views.webhooks import webhook_receive

urlpatterns = [
    path("", core_views.overview, name="overview"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verifications/", include("idvdash.verifications.urls")),
    path("sync/", include((sync_patterns, "sync"))),
    path("reviews/", include("idvdash.reviews.urls")),
    path("admin/", admin.site.urls),
    # The one URL without sign-in or CSRF: providers authenticate by signature.
    path("webhooks/<str:account>/", webhook_receive, name="webhook"),
]

handler500 = "idvdash.core.errors.server_error"
