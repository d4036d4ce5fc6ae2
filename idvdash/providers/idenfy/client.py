"""iDenfy (IVS): list identifications, learn clientId once, read one identification on demand."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from idvdash.providers.base import (
    LOOPING_PAGES,
    LiveRead,
    Page,
    ProviderClient,
    RecentIds,
    VerificationRecord,
)
from idvdash.providers.errors import ProviderResponseError
from idvdash.providers.http import ProviderHttp

from . import traits

LIST_PATH = "/kyc/identifications/"  # the trailing slash is part of the path
MAX_PER_PAGE = 100


# Reference: https://documentation.idenfy.com/kyc/data-retrieval (POST /api/v2/<read>)
LIVE_PATHS = {
    LiveRead.FULL_STATUS: "/api/v2/full-status",
    LiveRead.DOCUMENT_DATA: "/api/v2/data",
    LiveRead.FILE_LINKS: "/api/v2/files",
}


class IdenfyClient(ProviderClient):
    """Read iDenfy identifications with HTTP basic auth (API key and secret)."""

    kind = "idenfy"
    label = "iDenfy"
    # Every POST here is a retrieval: retried like a GET.
    posts_are_reads = True
    live_reads = frozenset(LIVE_PATHS)

    def __init__(self, *, per_page: int = MAX_PER_PAGE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._auth = (self._credentials["api_key"], self._credentials["api_secret"])
        self.per_page = max(1, min(per_page, MAX_PER_PAGE))

    def iter_pages(self, *, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Walk the identification list to the end, following `next`; one Page per list page.

        Read by position: each Page carries the list's `count` as its total. A page after
        the first that answers 404 "Invalid page." ends the walk with an empty Page marked
        `past_end`, and the next walk starts over.
        """
        page_no, per_page = _resume_at(checkpoint, default_per_page=self.per_page)
        url: str | None = f"{self.base_url}{LIST_PATH}"
        params: dict[str, Any] | None = {"page": page_no, "perPage": per_page}
        seen = RecentIds()
        while url:
            seen.next_page()
            body = self._list_page(url, params, may_be_gone=page_no > 1)
            if body is None:
                yield Page(records=[], checkpoint={}, past_end=True)
                return
            records = []
            for row in _list_of(body, "results", self._http):
                record = self._record(row)
                if seen.first_time(record.external_id):
                    records.append(record)
            count = body.get("count")
            total = count if isinstance(count, int) and not isinstance(count, bool) else None
            next_url = body.get("next")
            if not isinstance(next_url, str) or not next_url:
                yield Page(records=records, checkpoint={}, total=total)
                return
            url, params = self._follow(url, next_url), None
            previous_page, page_no = page_no, _param_in(url, "page", default=page_no + 1)
            if page_no <= previous_page:
                # `next` leads back (or stays): following it would never end.
                raise self._http.error(ProviderResponseError, LOOPING_PAGES)
            yield Page(
                records=records, checkpoint={"page": page_no, "perPage": per_page}, total=total
            )

    def enrich(self, record: VerificationRecord) -> VerificationRecord:
        """Learn the clientId (and current tags) of a newly seen identification: one status call."""
        status = self.get_status(record.external_id)
        client_id = status.get("clientId")
        raw_status = status.get("status")
        return replace(
            record,
            subject_ref=str(client_id) if client_id not in (None, "") else record.subject_ref,
            raw_status=raw_status
            if isinstance(raw_status, str) and raw_status
            else record.raw_status,
            payload={**record.payload, **status},
            # The status answer holds no names: the clientId is the partner's reference.
            traits=traits.from_status(status),
        )

    def get_status(self, scan_ref: str) -> dict[str, Any]:
        """Return the overall status, clientId, results and tags of one identification."""
        # Reference: https://documentation.idenfy.com/kyc/data-retrieval (POST /api/v2/status)
        return self._post("/api/v2/status", scan_ref)

    def read_live(
        self, read: LiveRead, external_id: str, *, subject_ref: str = ""
    ) -> dict[str, Any]:
        """Return the full status, the document data or the file links of one identification.

        File links expire after an hour: they are shown, never stored.
        """
        if read not in LIVE_PATHS:
            return super().read_live(read, external_id)
        return self._post(LIVE_PATHS[read], external_id)

    def check_connection(self) -> str:
        """Return how many identifications the credentials can see."""
        # Reference: https://documentation.idenfy.com/openapi/kyc.yaml (GET /kyc/identifications/)
        body = self._http.fetch(
            "GET",
            f"{self.base_url}{LIST_PATH}",
            params={"page": 1, "perPage": 1},
            auth=self._auth,
        )
        count = body.get("count") if isinstance(body, dict) else None
        if not isinstance(count, int):
            raise self._http.error(ProviderResponseError, "sent a list without a count")
        return f"OK: {count:,} verifications visible"

    def _secrets(self) -> tuple[str, ...]:
        basic = base64.b64encode(":".join(self._auth).encode()).decode("ascii")
        return (*super()._secrets(), basic)

    def _list_page(
        self, url: str, params: dict[str, Any] | None, *, may_be_gone: bool
    ) -> dict[str, Any] | None:
        """Return one list page; None when a page after the first lies past the end.

        A page shorter than its perPage while `next` is set lost rows on the way: it is
        read once more, then refused rather than silently skipping verifications.
        """
        expected = (params or {}).get("perPage") or _param_in(url, "perPage", default=1)
        for _attempt in (1, 2):
            # Reference: https://documentation.idenfy.com/openapi/kyc.yaml (GET /kyc/identifications/)
            answer = self._http.send("GET", url, params=params, auth=self._auth)
            if answer.status == 404 and may_be_gone:
                return None
            body = self._http.json(self._http.check(answer))
            rows = _list_of(body, "results", self._http)
            if not body.get("next") or len(rows) >= expected:
                return body
        raise self._http.error(
            ProviderResponseError, "sent a short list page although more pages follow"
        )

    def _post(self, path: str, scan_ref: str) -> dict[str, Any]:
        body = self._http.fetch(
            "POST", f"{self.base_url}{path}", json={"scanRef": scan_ref}, auth=self._auth
        )
        if not isinstance(body, dict):
            raise self._http.error(ProviderResponseError, f"sent an unexpected {path} answer")
        return body

    def _follow(self, current: str, next_url: str) -> str:
        """Return `next` as given, unless it points at another host: never send our key there."""
        target = urljoin(current, next_url)
        here, there = urlsplit(self.base_url), urlsplit(target)
        if (here.scheme, here.netloc) == (there.scheme, there.netloc):
            return target
        query = f"?{there.query}" if there.query else ""
        return f"{self.base_url}{LIST_PATH}{query}"

    def _record(self, row: object) -> VerificationRecord:
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("scanRef"), str)
            or not row["scanRef"]
        ):
            raise self._http.error(
                ProviderResponseError, "listed an identification without a scanRef"
            )
        status = row.get("status")
        client_id = row.get("clientId")
        return VerificationRecord(
            external_id=row["scanRef"],
            # The list carries no clientId; enrich() learns it once per new scanRef.
            subject_ref=str(client_id) if client_id not in (None, "") else "",
            raw_status=status if isinstance(status, str) else "",
            # The list carries no times; a webhook or a live read learns them.
            created_at=None,
            updated_at=None,
            payload=row,
        )


def _list_of(body: object, key: str, http: ProviderHttp) -> list[Any]:
    rows = body.get(key) if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise http.error(ProviderResponseError, f"sent a list page without '{key}'")
    return rows


def _resume_at(checkpoint: Mapping[str, Any] | None, *, default_per_page: int) -> tuple[int, int]:
    """Return (page, perPage) to start from; a page number only means something with its size."""
    page = (checkpoint or {}).get("page")
    per_page = (checkpoint or {}).get("perPage")
    valid_size = isinstance(per_page, int) and 1 <= per_page <= MAX_PER_PAGE
    if isinstance(page, int) and page > 1 and valid_size:
        return page, per_page
    return 1, default_per_page


def _param_in(url: str, name: str, *, default: int) -> int:
    values = parse_qs(urlsplit(url).query).get(name, [])
    try:
        return max(1, int(values[0]))
    except (IndexError, ValueError):
        return default
