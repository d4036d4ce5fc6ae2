from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator


class IdvdashAdminSite(admin.AdminSite):
    """The admin, closed to signed-in people who are not staff (403, not a login form)."""

    site_header = "idvdash administration"
    site_title = "idvdash admin"
    index_title = "Provider accounts and audit"

    def _refuse_non_staff(self, request: HttpRequest) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            self._refuse_non_staff(request)
            return inner(request, *args, **kwargs)

        return guarded

    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The admin has no sign-in form of its own: the site's asks for the second factor."""
        self._refuse_non_staff(request)
        if request.user.is_authenticated:
            return super().login(request, extra_context)  # staff: on to the admin
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(next_url)
