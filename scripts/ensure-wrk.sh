#!/usr/bin/env bash
# Makes sure `wrk` (Debian's package, written in C) is installed: `pnpm bench` drives its load with it,
# because a load generator running in Node on the same cores takes the CPU the server needs. As root on
# a machine without it, installs it, as scripts/test.sh does for Chromium.
set -euo pipefail

if command -v wrk >/dev/null; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "The bench drives its load with wrk, which is not installed: sudo apt-get install -y wrk" >&2
  exit 1
fi
echo "Installing Debian's wrk for the bench…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
