#!/usr/bin/env bash
# Known vulnerabilities in what the project installs (CI runs this after the tests).
#
#   bash tools/audit.sh              the virtualenv's packages (pip freeze: not bsu itself,
#                                    nor pip/setuptools, the venv's own tools)
#   bash tools/audit.sh -r FILE      a requirements file of pinned versions instead
#
# pip-audit asks its vulnerability service (PyPI's JSON API by default) about every pinned
# version, --strict: a package it cannot audit fails the run. Whether the service answers
# is probed first with a version it must know to be vulnerable (starlette 0.27.0). From a
# machine that cannot reach it (here PyPI serves only each project's latest release as
# JSON, and OSV is out of reach), pip-audit would report "no known vulnerabilities" having
# checked nothing: the script says so loudly and falls back to FLOORS below, the first
# fixed release of every advisory known to us for the packages that parse what users send
# (starlette, python-multipart, openpyxl, lxml, defusedxml). The fallback is a floor, not
# an audit: it knows only what was written into it.
#
# Exit: 0 nothing known; 1 a vulnerable version (named); 2 could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${BSU_VENV:-.venv}
AUDIT="$VENV/bin/pip-audit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ${1:-} == "-r" ]]; then
  [[ -n ${2:-} && -f $2 ]] || { echo "usage: $0 [-r requirements.txt]" >&2; exit 2; }
  cp "$2" "$tmp/requirements.txt"
  what="$2"
else
  "$VENV/bin/pip" freeze --exclude-editable > "$tmp/requirements.txt"
  what="the installed environment ($VENV)"
fi
[[ -x $AUDIT ]] || { echo "pip-audit is not installed: pip install -e '.[dev]'" >&2; exit 2; }

audit() {
  timeout 300 "$AUDIT" --progress-spinner off --no-deps --disable-pip "$@"
}

printf 'starlette==0.27.0\n' > "$tmp/probe.txt"
audit -r "$tmp/probe.txt" > "$tmp/probe.out" 2>&1 || true
if grep -qE 'GHSA-|PYSEC-|CVE-' "$tmp/probe.out"; then
  echo "pip-audit: auditing $what"
  audit --strict --desc off -r "$tmp/requirements.txt"
  exit $?
fi

echo "pip-audit: its vulnerability service did not answer from this machine (asked about" \
  "starlette 0.27.0, it found nothing); NO FULL AUDIT WAS DONE. Checking $what against" \
  "the known-advisory floors of tools/audit.sh instead." >&2
sed -n '1,12p' "$tmp/probe.out" | sed 's/^/  pip-audit: /' >&2
"$VENV/bin/python" - "$tmp/requirements.txt" <<'PY'
"""Pinned versions below the first fixed release of a known advisory."""

import re
import sys

from packaging.version import Version

# package: [(first fixed version, advisories fixed there)], newest first.
FLOORS = {
    "starlette": [
        ("1.3.1", "CVE-2026-54283 GHSA-82w8-qh3p-5jfq, CVE-2026-54282, CVE-2026-48817"),
        ("1.1.0", "CVE-2026-48818"),
        ("1.0.1", "CVE-2026-48710 GHSA-86qp-5c8j-p5mr"),
        ("0.49.1", "CVE-2025-62727 GHSA-7f5h-v6xp-fcq8"),
        ("0.47.2", "CVE-2025-54121 GHSA-2c2j-9gv5-cj73"),
        ("0.40.0", "CVE-2024-47874 GHSA-f96h-pmfr-66vw"),
        ("0.36.2", "CVE-2024-24762 GHSA-93gm-qmq6-w238"),
        ("0.27.0", "CVE-2023-29159 GHSA-v5gw-mw7f-84px"),
        ("0.25.0", "CVE-2023-30798 GHSA-74m5-2c7w-9w3x"),
    ],
    "python-multipart": [
        ("0.0.30", "CVE-2026-53538, CVE-2026-53539, CVE-2026-53540"),
        ("0.0.27", "CVE-2026-42561"),
        ("0.0.26", "CVE-2026-40347 GHSA-mj87-hwqh-73pj"),
        ("0.0.22", "CVE-2026-24486 GHSA-wp53-j4wj-2cfg"),
        ("0.0.18", "CVE-2024-53981 GHSA-59g5-xgcq-4qw3"),
        ("0.0.7", "CVE-2024-24762 GHSA-2jv5-9r88-3w3p"),
    ],
    "openpyxl": [("2.4.2", "CVE-2017-5992 GHSA-chqf-hx79-gxc6")],
    "lxml": [
        ("4.9.1", "CVE-2022-2309"),
        ("4.6.5", "CVE-2021-43818"),
        ("4.6.3", "CVE-2021-28957"),
    ],
    "defusedxml": [],
}

found = 0
checked = []
for line in open(sys.argv[1], encoding="utf-8"):
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)", line)
    if not match:
        continue
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    if name not in FLOORS:
        continue
    version = Version(match.group(2))
    checked.append(f"{name} {version}")
    for fixed, advisories in FLOORS[name]:
        if version < Version(fixed):
            print(f"{name} {version}: vulnerable, fixed in {fixed}: {advisories}")
            found += 1
print(f"floors: checked {', '.join(checked) or 'none of the packages'}; {found} known")
sys.exit(1 if found else 0)
PY
