"""Read-only admin for people: links are made by `observe` and by reviewers on the
person pages (audited, with a reason), never edited here. Match keys are counted,
never shown: a digest is of no use to a person and is still derived from personal data.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from idvdash.verifications.admin import ReadOnlyAdmin

from .models import LinkEvent, Person, PersonView, Subject


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "subject_count"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(subject_count=Count("subjects"))

    @admin.display(description="Linked subjects", ordering="subject_count")
    def subject_count(self, person: Person) -> int:
        return person.subject_count


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["ref", "provider", "account", "person", "linked_by", "auto_link", "key_count"]
    list_filter = ["provider", "linked_by", "auto_link"]
    search_fields = ["=ref"]
    fields = [
        "account",
        "provider",
        "ref",
        "person",
        "linked_by",
        "linked_at",
        "auto_link",
        "first_seen_at",
        "key_count",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).select_related("account", "person")
        return qs.annotate(key_count=Count("keys"))

    @admin.display(description="Match keys")
    def key_count(self, subject: Subject) -> int:
        return subject.key_count


@admin.register(LinkEvent)
class LinkEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "subject", "person", "by", "rule"]
    list_filter = ["action", "rule"]
    list_select_related = ["subject", "person", "by"]


@admin.register(PersonView)
class PersonViewAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "person"]
    list_select_related = ["user", "person"]
    fields = ["at", "user", "person", "shown"]
    readonly_fields = fields
