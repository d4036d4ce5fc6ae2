from allauth.account import views as account_views
from django.contrib import admin
from django.urls import include, path

from idvdash.core import views as core_views
from idvdash.verifications.urls import sync_patterns
from idvdash.verifications.views.webhooks import webhook_receive

urlpatterns = [
    path("", core_views.overview, name="overview"),
    path("overview.csv", core_views.overview_csv, name="overview_csv"),
    path("healthz", core_views.healthz, name="healthz"),
    # Sign-in (allauth): password with a second factor, or single sign-on.
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/", include("idvdash.signin.urls")),
    path("verifications/", include("idvdash.verifications.urls")),
    path("sync/", include((sync_patterns, "sync"))),
    path("reviews/", include("idvdash.reviews.urls")),
    # Erasure on request: /people/<id>/forget/ (admins with retention.forget_person).
    path("", include("idvdash.retention.urls")),
    path("people/", include("idvdash.people.urls")),
    path("admin/", admin.site.urls),
    # The one URL without sign-in or CSRF: providers authenticate by signature.
    path("webhooks/<str:account>/", webhook_receive, name="webhook"),
]

handler500 = "idvdash.core.errors.server_error"
