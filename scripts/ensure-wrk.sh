#!/usr/bin/env bash
# Makes sure `wrk` (Debian's package, written in C) is installed: `pnpm bench` drives its load with it,
# because a load generator running in Node on the same cores takes the CPU the server needs.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-package.sh" wrk wrk "the bench (pnpm bench and its tests)"
