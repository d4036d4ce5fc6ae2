"""PermissionBackend answers exactly as Django's ModelBackend does, in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission

from idvdash.core.auth import PermissionBackend

pytestmark = pytest.mark.django_db

VIEW = "verifications.view_verification"
CHANGE_ACCOUNT = "providers.change_provideraccount"
PERMS = (VIEW, CHANGE_ACCOUNT, "verifications.no_such_permission", "no_such_app.view_thing")


def permission(perm: str) -> Permission:
    app_label, codename = perm.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def auditors():
    group = Group.objects.create(name="Auditors")
    group.permissions.add(permission(CHANGE_ACCOUNT))
    return group


def users_in_every_situation(make_user, auditors):
    direct = make_user("direct")
    direct.user_permissions.add(permission(VIEW))
    in_two_groups = make_user("two-groups", reviewer=True)
    in_two_groups.groups.add(auditors)
    return [
        make_user("nobody"),
        direct,
        make_user("reviewer", reviewer=True),
        in_two_groups,
        make_user("inactive-reviewer", reviewer=True, is_active=False),
        make_user("superuser", staff=True),
    ]


def fresh(user):
    """The same user without any permission cache (as on the next request)."""
    return type(user).objects.get(pk=user.pk)


def test_answers_like_model_backend_for_every_user_and_permission(make_user, auditors):
    ours, django = PermissionBackend(), ModelBackend()
    answers = {}
    for user in users_in_every_situation(make_user, auditors):
        assert ours.get_all_permissions(fresh(user)) == django.get_all_permissions(fresh(user))
        assert ours.has_module_perms(fresh(user), "providers") == django.has_module_perms(
            fresh(user), "providers"
        )
        for perm in PERMS:
            answers[user.username, perm] = ours.has_perm(fresh(user), perm)
            assert answers[user.username, perm] == django.has_perm(fresh(user), perm), (user, perm)
    # The matrix is not trivially all-False or all-True.
    assert answers["reviewer", VIEW]
    assert answers["direct", VIEW]
    assert answers["two-groups", CHANGE_ACCOUNT]
    assert not answers["reviewer", CHANGE_ACCOUNT]
    assert answers["superuser", CHANGE_ACCOUNT]
    assert not answers["nobody", VIEW]
    assert not answers["inactive-reviewer", VIEW]


def test_one_query_per_user_object_however_many_questions(reviewer, django_assert_num_queries):
    backend = PermissionBackend()
    with django_assert_num_queries(1):
        for _ in range(3):
            assert backend.has_perm(reviewer, VIEW)
            assert not backend.has_perm(reviewer, CHANGE_ACCOUNT)


def test_a_revoked_group_permission_is_seen_by_the_next_request(reviewer):
    assert PermissionBackend().has_perm(reviewer, VIEW)
    Group.objects.get(name="Reviewers").permissions.remove(permission(VIEW))
    assert not PermissionBackend().has_perm(fresh(reviewer), VIEW)


def test_anonymous_and_object_permissions_are_refused(reviewer, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not PermissionBackend().has_perm(AnonymousUser(), VIEW)
        assert not PermissionBackend().has_perm(reviewer, VIEW, obj=object())


def test_is_the_backend_users_are_checked_against(reviewer, admin_user):
    assert reviewer.has_perm(VIEW)
    assert admin_user.has_perm(CHANGE_ACCOUNT)  # superuser: answered by User itself
    assert not reviewer.has_perm(CHANGE_ACCOUNT)
