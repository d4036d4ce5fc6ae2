"""R15: 20 reviewers against gunicorn while a sync writes (opt-in: IDVDASH_LOAD_TEST=1)."""

import os
import subprocess
import sys

import pytest

from tests.core.test_settings import ROOT

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        os.environ.get("IDVDASH_LOAD_TEST") != "1", reason="set IDVDASH_LOAD_TEST=1 to run"
    ),
]


def test_twenty_reviewers_see_no_errors_and_p95_stays_within_three_times_idle():
    result = subprocess.run(
        [sys.executable, "-m", "idvdash.core.loadtest", "--duration", "20", "--reviewers", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
