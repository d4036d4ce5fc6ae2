"""`make audit`: known vulnerabilities in the pinned requirements (pip-audit).

Exit status: 0 clean (or not checkable, see below), 1 a known vulnerability without
a written exception, 2 the audit could not be performed and AUDIT_STRICT=1.

When the vulnerability service cannot be reached, or it cannot look packages up,
nothing was checked: that is said loudly, never reported as clean.

An exception is an entry in EXCEPTIONS: the advisory id, the date it was written,
who decided and why. Review them when the date is a quarter old.
"""

import json
import os
import subprocess
import sys

# advisory id → (date written, reason). Empty: no known vulnerability is accepted.
EXCEPTIONS: dict[str, tuple[str, str]] = {}

NOT_PERFORMED = "DEPENDENCY AUDIT NOT PERFORMED: {why}. Nothing was checked; run `make audit` where the vulnerability service is reachable."
NOT_LOOKED_UP = "{count} of {total} requirement(s) could not be looked up"
FOUND = "{name} {version}: {id} (fixed in {fixed})"
CLEAN = "No known vulnerabilities in {total} pinned requirement(s)."


def audit(requirements: str) -> int:
    command = [
        sys.executable, "-m", "pip_audit", "-r", requirements, "--no-deps", "--disable-pip",
        "--format", "json", "--progress-spinner", "off",
    ]  # fmt: skip
    for advisory in EXCEPTIONS:
        command += ["--ignore-vuln", advisory]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except ValueError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return degraded(f"pip-audit failed ({last[:200]})")
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    found = [(d, v) for d in dependencies for v in d.get("vulns", [])]
    for dependency, vuln in found:
        print(
            FOUND.format(
                name=dependency["name"],
                version=dependency.get("version", "?"),
                id=vuln["id"],
                fixed=", ".join(vuln.get("fix_versions", [])) or "no release yet",
            )
        )
    for advisory, (written, reason) in EXCEPTIONS.items():
        print(f"accepted {advisory} (written {written}): {reason}")
    if found:
        return 1
    if skipped:
        return degraded(NOT_LOOKED_UP.format(count=len(skipped), total=len(dependencies)))
    print(CLEAN.format(total=len(dependencies)))
    return 0


def degraded(why: str) -> int:
    print(NOT_PERFORMED.format(why=why), file=sys.stderr)
    return 2 if os.environ.get("AUDIT_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(audit(sys.argv[1] if len(sys.argv) > 1 else "requirements/dev.txt"))
