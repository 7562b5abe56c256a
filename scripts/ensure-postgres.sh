#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 for the tests (trust auth, user postgres): starts the local
# cluster when it is down; on a machine without PostgreSQL (and as root) installs Debian's and lets
# local TCP connections in without a password, as on the machines this project runs on.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then exit 0; fi

if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed and this is not root: install it, or set VKP_TEST_SKIP_POSTGRES=1 to run only the SQLite tests." >&2
    exit 1
  fi
  echo "Installing PostgreSQL from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Only on a machine where we just installed it: trust local TCP, like the project's machines do.
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
fi

for version in $(ls /etc/postgresql); do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start || true
done
for _ in $(seq 1 30); do
  ready && exit 0
  sleep 1
done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
