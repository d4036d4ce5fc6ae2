"""Resolvers for the Swan schema: Relay connections over users and identifications."""

from collections.abc import Callable

from graphql import GraphQLError, GraphQLResolveInfo

from .faults import Fault
from .ids import cursor, from_cursor
from .paging import window
from .shrink import Gone, in_order
from .swan_data import SwanCatalog

MAX_FIRST = 100
LEVEL_KEYS = {"Expert": "expert", "QES": "qes", "PVID": "pvid"}
NOTHING_GONE = Gone()


def _start(after: str | None) -> int:
    if after is None:
        return 0
    position = from_cursor(after)
    if position is None:
        raise GraphQLError("Invalid cursor", extensions={"code": "InvalidCursor"})
    return position + 1


def _check_first(first: int) -> None:
    if first < 0 or first > MAX_FIRST:
        raise GraphQLError(
            f"`first` must be between 0 and {MAX_FIRST}", extensions={"code": "ValidationError"}
        )


class Resolvers:
    """Resolvers for one request; the request's content fault hits the first connection.

    A `shrink` removes users from `users` and `user`. Cursors name the row they were
    taken from, as at Swan, so a walk resumes after the row it reached (see `shrink.py`).
    """

    def __init__(
        self, catalog: SwanCatalog, fault: Fault | None, shrink: Fault | None = None
    ) -> None:
        self.catalog = catalog
        self.fault = fault
        self.shrink = shrink
        self.visible = catalog.visible()

    def root(self) -> dict[str, Callable]:
        """Return the root value: top-level fields as callables."""
        return {"user": self.user, "users": self.users}

    def _take_fault(self) -> Fault | None:
        fault, self.fault = self.fault, None
        return fault

    def _connection(
        self,
        total: int,
        start: int,
        stop: int,
        node: Callable[[int], dict],
        gone: Gone = NOTHING_GONE,
    ) -> dict[str, object]:
        """Return rows [start, stop) of the `total` left; cursors carry original positions."""
        fault = self._take_fault()
        positions = [gone.position(p) for p in window(start, stop, fault)]
        edges = [{"node": node(p), "cursor": cursor(p)} for p in positions]
        end_cursor = cursor(gone.position(stop - 1)) if stop > start else None
        if fault is not None and fault.fault == "loop_cursor" and start > 0:
            end_cursor = cursor(gone.position(start - 1))  # the cursor this page was asked with
        return {
            "totalCount": total,
            "pageInfo": {
                "hasNextPage": stop < total,
                "hasPreviousPage": start > 0,
                "startCursor": cursor(gone.position(start)) if stop > start else None,
                "endCursor": end_cursor,
            },
            "edges": edges,
        }

    def user(self, info: GraphQLResolveInfo, id: str | None = None) -> dict[str, object]:
        """Resolve `user(id:)`."""
        local = self.catalog.user_from_id(id) if id else None
        if local is not None and self._vanished(local):
            local = None
        if local is None:
            raise GraphQLError(
                "User not found",
                extensions={
                    "code": "Identity_NotFound",
                    "meta": {"fieldName": "id", "fieldValue": id or ""},
                },
            )
        return self._user_node(local)

    def users(
        self,
        info: GraphQLResolveInfo,
        first: int = 50,
        after: str | None = None,
        before: str | None = None,
        filters: dict | None = None,
        search: str | None = None,
    ) -> dict[str, object]:
        """Resolve `users(...)`: every user who joined, in joining order."""
        _check_first(first)
        filters = dict(filters or {})
        if search and "search" not in filters:
            filters["search"] = search
        if filters:
            members = [u for u in range(self.catalog.persons) if self._user_matches(u, filters)]
        else:
            members = None
        listed = self.catalog.persons if members is None else len(members)
        gone = in_order(self.shrink, members if members is not None else range(listed))
        total = listed - gone.size
        start = gone.left_before(_start(after))
        before_at = from_cursor(before) if before else None
        end = min(total, gone.left_before(before_at) if before_at is not None else total)
        stop = max(start, min(start + first, end))

        def node(position: int) -> dict[str, object]:
            return self._user_node(members[position] if members is not None else position)

        return self._connection(total, start, stop, node, gone)

    def _vanished(self, local: int) -> bool:
        shrink = self.shrink
        return shrink is not None and shrink.at <= local < shrink.at + shrink.vanish

    def _user_matches(self, local: int, filters: dict) -> bool:
        user = self.catalog.user(local, self.visible)
        search = (filters.get("search") or "").lower()
        checks = [
            not filters.get("status") or user["status"] in filters["status"],
            not filters.get("birthDate") or user["birthDate"] == filters["birthDate"],
            not filters.get("nationalityCCA3")
            or user["nationalityCCA3"] == filters["nationalityCCA3"],
            not filters.get("firstName") or user["firstName"] == filters["firstName"],
            not filters.get("lastName") or user["lastName"] == filters["lastName"],
            not filters.get("mobilePhoneNumber")
            or user["mobilePhoneNumber"] == filters["mobilePhoneNumber"],
            not filters.get("preferredNotificationChannel")
            or user["preferredNotificationChannel"] == filters["preferredNotificationChannel"],
            not filters.get("identificationLevel")
            or user["identificationLevels"][
                {"Expert": "expert", "QES": "QES", "PVID": "PVID"}[filters["identificationLevel"]]
            ],
            len(search) < 3
            or any(
                search in str(user[k]).lower()
                for k in ("firstName", "lastName", "mobilePhoneNumber", "id")
            ),
        ]
        return all(checks)

    def _user_node(self, local: int) -> dict[str, object]:
        user = self.catalog.user(local, self.visible)
        idents = user.pop("_identifications")

        def identifications(
            info: GraphQLResolveInfo,
            first: int = 50,
            after: str | None = None,
            filters: dict | None = None,
            orderBy: dict | None = None,
        ) -> dict[str, object]:
            _check_first(first)
            chosen = [i for i in idents if self._identification_matches(i, filters or {})]
            order = orderBy or {}
            key = "_updated" if order.get("field") == "updatedAt" else "_created"
            chosen.sort(
                key=lambda i: (i[key], i["id"]), reverse=order.get("direction", "Desc") == "Desc"
            )
            start = _start(after)
            stop = max(start, min(start + first, len(chosen)))
            return self._connection(len(chosen), start, stop, lambda p: chosen[p])

        user["identifications"] = identifications
        return user

    @staticmethod
    def _identification_matches(ident: dict, filters: dict) -> bool:
        statuses, processes = filters.get("statuses"), filters.get("processes")
        levels = filters.get("levels")
        if statuses and ident["status"] not in statuses:
            return False
        if processes and ident["process"] not in processes:
            return False
        return not levels or any(
            ident["levels"][LEVEL_KEYS[level]]["status"] != "NotSupported" for level in levels
        )
