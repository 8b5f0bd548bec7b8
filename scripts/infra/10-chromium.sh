#!/usr/bin/env bash
# Headless Debian chromium for the tests of HTML output (rendered in a real browser, never a
# runtime dependency of kubeharden). Idempotent: exits at once when /usr/bin/chromium exists;
# a lock makes concurrent runs wait for one install. Installed from Debian's own packages.
set -euo pipefail
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
if [[ -x /usr/bin/chromium ]]; then echo "10-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1) at /usr/bin/chromium"; exit 0; fi
mkdir -p "$cache/chromium"
exec 9>"$cache/chromium/.install.lock"
flock 9
if [[ ! -x /usr/bin/chromium ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
fi
echo "10-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1) at /usr/bin/chromium"
