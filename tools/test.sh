#!/usr/bin/env bash
# Sets up and runs the whole test suite on a fresh machine: what the tests need from the
# system (Debian's Chromium for the browser test, a running PostgreSQL for the storage and
# API tests), the virtualenv with the package and its dev tools, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Chromium (Debian package) for the browser test" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]'
.venv/bin/pytest "$@"
