#!/usr/bin/env bash
# `pnpm test`: every test of every package, against the real things — a SQLite file, the local
# PostgreSQL, a real HTTP server, Debian's Chromium for the widget and Debian's HAProxy for the cluster
# (both installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's Chromium for the widget's browser tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The widget's tests need Chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

# The cluster tests run three instances behind Debian's HAProxy (examples/cluster/); /usr/sbin is not on
# every user's PATH.
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's HAProxy for the cluster tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "The cluster tests need HAProxy: sudo apt-get install -y haproxy" >&2
    exit 1
  fi
fi

if [ "${VKP_TEST_SKIP_POSTGRES:-0}" != 1 ]; then
  bash scripts/ensure-postgres.sh
fi

# The bench's own tests drive load with wrk (packages/server/test/bench.e2e.test.ts).
bash scripts/ensure-wrk.sh

pnpm -r build
pnpm -r typecheck
pnpm -r --workspace-concurrency=1 test

# The whole server suite once more, every test on PostgreSQL (the scale-out store): not only the tests
# that name both stores.
if [ "${VKP_TEST_SKIP_POSTGRES:-0}" != 1 ]; then
  VKP_TEST_DIALECT=postgresql pnpm --filter @vk-payments/server test
fi
