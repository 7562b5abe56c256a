#!/usr/bin/env bash
# `pnpm test`: every test of every package, against the real things — a SQLite file, the local
# PostgreSQL, a real HTTP server, Debian's Chromium for the widget and Debian's HAProxy for the cluster
# (both installed here when missing), and Debian's promtool for the alert rules.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-debian-package.sh /usr/bin/chromium chromium "the widget's browser tests"
# The cluster tests run three instances behind Debian's HAProxy (examples/cluster/).
bash scripts/ensure-debian-package.sh haproxy haproxy "the cluster tests"
# The alert rules are checked and unit-tested with promtool (packages/server/test/alert-rules.e2e.test.ts).
bash scripts/ensure-debian-package.sh /usr/bin/promtool prometheus "the alert rules' tests"

if [ "${VKP_TEST_SKIP_POSTGRES:-0}" != 1 ]; then
  bash scripts/ensure-postgres.sh
fi

# The bench's own tests drive load with wrk (packages/server/test/bench.e2e.test.ts).
bash scripts/ensure-wrk.sh

pnpm -r build
pnpm lint
pnpm -r typecheck
pnpm -r --workspace-concurrency=1 test

# The whole server suite once more, every test on PostgreSQL (the scale-out store): not only the tests
# that name both stores.
if [ "${VKP_TEST_SKIP_POSTGRES:-0}" != 1 ]; then
  VKP_TEST_DIALECT=postgresql pnpm --filter @vk-payments/server test
fi
