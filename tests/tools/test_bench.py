"""The benchmark command runs end to end and reports every figure as a ratio."""

import json

from . import ROOT, run_bench


def test_bench_sync_reports_each_figure_against_its_baseline(tmp_path):
    out = tmp_path / "sync.json"
    result = run_bench(
        tmp_path,
        "sync",
        "--rows",
        "300",
        "--kinds",
        "equals",
        "stora",
        "--json",
        str(out),
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    names = [figure["name"] for figure in report["figures"]]
    assert names == [
        "equals: first import ÷ (fetch+parse + raw INSERT) (300 rows)",
        "equals: unchanged re-scan ÷ fetch+parse of the list (medians of 3 in turn)",
        "equals: the same, the list answering in 100 ms a page",
        "equals: mirror rows written by 3 unchanged re-scans",
        "equals: upsert rows/s ÷ raw INSERT rows/s",
        "stora: first import ÷ (fetch+parse + raw INSERT) (300 rows)",
        "stora: unchanged re-scan ÷ fetch+parse of the list (medians of 3 in turn)",
        "stora: the same, the list answering in 100 ms a page",
        "stora: mirror rows written by 3 unchanged re-scans",
        "stora: upsert rows/s ÷ raw INSERT rows/s",
        "equals: peak memory 300 rows ÷ 30 rows",
    ]
    for figure in report["figures"]:
        assert figure["baseline"] > 0
        assert figure["ratio"] == figure["measured"] / figure["baseline"]
    written = [f for f in report["figures"] if f["name"].endswith("3 unchanged re-scans")]
    assert [(f["measured"], f["passed"]) for f in written] == [(0.0, True), (0.0, True)]
    assert "bench sync: 300 rows per provider, sqlite" in result.stdout
    assert not (ROOT / "db.sqlite3-bench").exists()
