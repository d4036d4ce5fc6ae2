"""Acting on one case from the detail page (htmx): assignment, notes, tags, closing."""

urlpatterns: list = []
