"""Signed iDenfy deliveries, and concurrent senders that record what each one was answered.

`python -m tools.bench.deliveries ROOT FILE SENDERS` sends the requests in FILE (a JSON
list of {method, path, headers, body}) from SENDERS threads, and prints one JSON list:
for each request in FILE, its status (null when no answer came), answer and latency.
It runs in its own process, so it shares no interpreter with the server it measures.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from idvdash.providers.webhooks import hex_signature

# An identification's life with manual review on: the automatic checks end (a
# preliminary result), a reviewer decides, the person resubmits, the final decision.
LIFE = (
    ("IDENTIFICATION_AUTO_FINISHED", False, "REVIEWING"),
    ("IDENTIFICATION_MANUAL_FINISHED", True, "SUSPECTED"),
    ("IDENTIFICATION_RESUBMITTED", False, "REVIEWING"),
    ("IDENTIFICATION_MANUAL_FINISHED", True, "APPROVED"),
)
STARTED = 1_780_000_000  # the first identification's start, Unix seconds
STEP_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int | None  # None: no answer (refused, reset, timed out)
    text: str
    seconds: float

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def scan_ref(i: int) -> str:
    return f"bench-scan-{i:07d}"


def idenfy_delivery(path: str, secret: str, *, scan: int, step: int) -> Request:
    """Step `step` of LIFE for identification `scan`, signed as iDenfy signs it."""
    event, final, overall = LIFE[step]
    body = json.dumps(
        {
            "final": final,
            "platform": "MOBILE",
            "scanRef": scan_ref(scan),
            "clientId": f"bench-client-{scan:07d}",
            "startTime": STARTED + scan,
            "finishTime": STARTED + scan + STEP_SECONDS * (step + 1),
            "status": {
                "overall": overall,
                "fraudTags": [],
                "mismatchTags": ["NAME"] if final and overall == "SUSPECTED" else [],
                "autoFace": "FACE_MATCH",
                "manualFace": "FACE_MATCH" if final else None,
                "autoDocument": "DOC_VALIDATED",
                "manualDocument": "DOC_VALIDATED" if final else None,
            },
            "data": {"docFirstName": "JANE", "docLastName": "DOE", "docNumber": f"D{scan:08d}"},
            "fileUrls": {"FRONT": f"https://files.example/{scan_ref(scan)}/FRONT.png"},
        }
    )
    headers = {
        "Content-Type": "application/json",
        "Idenfy-Event-Type": event,
        "Idenfy-Signature": hex_signature(secret, body.encode()),
    }
    return Request("POST", path, headers, body)


def burst(path: str, secret: str, *, events: int, duplicates: int, seed: int = 1) -> list[Request]:
    """`events` distinct deliveries (len(LIFE) per identification), plus `duplicates`
    of them sent twice, in a shuffled order: concurrent senders deliver out of order."""
    steps = len(LIFE)
    distinct = [
        idenfy_delivery(path, secret, scan=i // steps, step=i % steps) for i in range(events)
    ]
    rng = random.Random(seed)  # noqa: S311 (an order, not a secret)
    plan = distinct + rng.sample(distinct, min(duplicates, len(distinct)))
    rng.shuffle(plan)
    return plan


def send(root: str, request: Request, *, timeout: float = 30.0) -> Answer:
    """Send one request on a connection of its own, as a provider's delivery comes."""
    parts = urlsplit(root)
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.request(request.method, request.path, request.body or None, request.headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")[:200]
        finally:
            conn.close()
    except (OSError, http.client.HTTPException) as err:
        # A receiver that dies mid-answer (IncompleteRead, RemoteDisconnected) is a
        # delivery not acknowledged, as a provider would count it.
        return Answer(None, type(err).__name__, time.perf_counter() - started)
    return Answer(response.status, text, time.perf_counter() - started)


def send_all(
    root: str, requests: list[Request], *, senders: int, answers: dict[int, Answer] | None = None
) -> dict[int, Answer]:
    """Send every request from `senders` threads; answers by index (also into `answers`)."""
    answers = {} if answers is None else answers
    queue = iter(enumerate(requests))
    lock = threading.Lock()

    def sender() -> None:
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            i, request = item
            answers[i] = send(root, request)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def key_of(request: Request) -> str:
    """The idempotency key the receiver stores the delivery under."""
    from idvdash.providers.idenfy import webhooks  # needs Django; the sender process does not

    return webhooks.read(request.headers, request.body.encode()).key


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[int(len(ordered) * 0.95)] if ordered else 0.0


def as_json(requests: list[Request]) -> str:
    return json.dumps([[r.method, r.path, r.headers, r.body] for r in requests])


def from_json(text: str) -> list[Request]:
    return [Request(*item) for item in json.loads(text)]


def answers_from_json(text: str) -> list[Answer]:
    return [Answer(*item) for item in json.loads(text)]


def main(argv: list[str]) -> list[list[Any]]:
    root, path, senders = argv
    with open(path) as f:
        requests = from_json(f.read())
    answers = send_all(root, requests, senders=int(senders))
    return [[a.status, a.text, a.seconds] for _, a in sorted(answers.items())]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
