"""The project's URLs plus views that fail on purpose (for the error-page tests)."""

from django.urls import path

from idvdash.urls import *  # noqa: F403  (the project's handlers come along)
from idvdash.urls import urlpatterns as project_urlpatterns

from .error_views import explode

urlpatterns = [*project_urlpatterns, path("explode/", explode, name="explode")]
