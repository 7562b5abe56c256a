#!/usr/bin/env bash
# Makes sure a Debian package's program is there, installing the package when it is missing and this is
# root (as on the machines this project runs on and on CI); otherwise says what to run, and fails.
#   bash scripts/ensure-debian-package.sh <program> <package> <what needs it>
# <program> is a command name or an absolute path (/usr/sbin is not on every user's PATH).
set -euo pipefail
program=$1 package=$2 purpose=$3

present() { command -v "$program" >/dev/null 2>&1 || [ -x "$program" ] || [ -x "/usr/sbin/$program" ]; }

if present; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "$purpose needs Debian's $package, which is not installed: sudo apt-get install -y $package" >&2
  exit 1
fi
echo "Installing Debian's $package for $purpose…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
present
