"""Sign-in URLs: the parts of allauth idvdash uses, and OpenID Connect with our checks.

Not included: sign-up, e-mail management and password reset by e-mail (accounts are
made by admins or by single sign-on; a forgotten password is an admin's reset).
"""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from django.urls import include, path

from . import oidc

oidc_patterns = [
    path("<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
]

social_patterns = [
    path("login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("signup/", social_views.signup, name="socialaccount_signup"),
]

urlpatterns = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include(social_patterns)),
    path("oidc/", include(oidc_patterns)),
]
