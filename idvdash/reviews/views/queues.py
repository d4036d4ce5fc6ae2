"""Queues from the list: next case, bulk actions, saved views, navigation counts."""

urlpatterns: list = []
