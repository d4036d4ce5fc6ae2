"""Roles from the identity provider: applied at every single sign-on, added and removed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from .config import ADMIN_ROLE, GROUP_ROLES, OIDCProvider


@dataclass(frozen=True)
class RoleChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def __str__(self) -> str:
        parts = [f"+{r}" for r in self.added] + [f"-{r}" for r in self.removed]
        return ", ".join(parts)


def groups_in_claims(claims: dict, claim: str) -> set[str]:
    """The group names a token lists under `claim` (a list, or one string)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def granted_roles(provider: OIDCProvider, idp_groups: Iterable[str]) -> set[str]:
    """The idvdash roles these IdP groups grant under the provider's mapping."""
    held = set(idp_groups)
    return {role for role, groups in provider.roles.items() if held & set(groups)}


@transaction.atomic
def apply_roles(*, user, provider: OIDCProvider, claims: dict) -> RoleChange:
    """Make the user's roles what the IdP says now; return what changed.

    Only the roles the provider maps are managed: a role it does not map is left as
    admins set it. A provider without `groups_claim` manages none.
    """
    if not provider.groups_claim:
        return RoleChange((), ())
    granted = granted_roles(provider, groups_in_claims(claims, provider.groups_claim))
    added, removed = [], []
    current = set(user.groups.values_list("name", flat=True))
    for role in GROUP_ROLES:
        if role not in provider.roles:
            continue
        if role in granted and role not in current:
            user.groups.add(Group.objects.get(name=role))
            added.append(role)
        elif role not in granted and role in current:
            user.groups.remove(Group.objects.get(name=role))
            removed.append(role)
    if ADMIN_ROLE in provider.roles:
        admin = ADMIN_ROLE in granted
        if admin != (user.is_staff and user.is_superuser):
            (added if admin else removed).append(ADMIN_ROLE)
            user.is_staff = user.is_superuser = admin
            user.save(update_fields=["is_staff", "is_superuser"])
    return RoleChange(tuple(added), tuple(removed))
