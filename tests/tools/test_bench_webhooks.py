"""`bench webhooks` runs end to end at a tiny size: every check holds, every figure reported.

Its timing ratios are the benchmark's business; here, that nothing acknowledged is
lost and nothing is stored or processed twice, which holds at any size.
"""

import json

from . import run_bench


def test_bench_webhooks_loses_nothing_and_processes_each_event_once(tmp_path):
    out = tmp_path / "webhooks.json"
    command = ["webhooks", "--events", "200", "--senders", "4", "--json", str(out)]

    result = run_bench(tmp_path, *command, timeout=300)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    figures = {figure["name"]: figure for figure in report["figures"]}
    assert list(figures) == [
        "receive p95 ÷ /healthz p95 (4 senders, gunicorn)",
        "acknowledged deliveries not stored (lost)",
        "keys stored twice",
        "stored events not processed",
        "events processed more than once",
        "identifications not at their newest event",
        "processing 200 events ÷ sync of 200 iDenfy rows",
    ]
    checks = [f for f in report["figures"] if f["target"] == "0"]
    assert len(checks) == 5
    for check in checks:
        assert check["measured"] == 0, check
        assert check["passed"], check
    assert figures["acknowledged deliveries not stored (lost)"]["baseline"] == 200
    assert (
        "'Stored.' 200, 'Already received' 2"
        in (figures["acknowledged deliveries not stored (lost)"]["note"])
    )
    assert figures["identifications not at their newest event"]["baseline"] == 50
    for name in (
        "receive p95 ÷ /healthz p95 (4 senders, gunicorn)",
        "processing 200 events ÷ sync of 200 iDenfy rows",
    ):
        assert figures[name]["baseline"] > 0
        assert figures[name]["ratio"] == figures[name]["measured"] / figures[name]["baseline"]
    assert report["deliveries"] == 202
    assert "bench webhooks: 200 events in 202 deliveries, 4 senders, sqlite" in result.stdout
    assert "Lost, stored twice or processed twice" not in result.stderr
