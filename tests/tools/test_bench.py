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
        "equals: sync ÷ fetch+parse (300 rows)",
        "equals: upsert rows/s ÷ raw INSERT rows/s",
        "stora: sync ÷ fetch+parse (300 rows)",
        "stora: upsert rows/s ÷ raw INSERT rows/s",
        "equals: peak memory 300 rows ÷ 30 rows",
    ]
    for figure in report["figures"]:
        assert figure["baseline"] > 0
        assert figure["ratio"] == figure["measured"] / figure["baseline"]
    assert "bench sync: 300 rows per provider, sqlite" in result.stdout
    assert not (ROOT / "db.sqlite3-bench").exists()
