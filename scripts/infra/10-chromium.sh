#!/usr/bin/env bash
# Headless Chromium for the browser tests of HTML output (test infrastructure only): Debian's
# `chromium` package, installed with apt-get only when /usr/bin/chromium is missing. Never a
# runtime dependency; no browser is downloaded any other way (no npm browser downloads).
# Fresh install: ~250 MB of packages, 1-2 min.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  echo "10-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) at /usr/bin/chromium"
  exit 0
fi
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
mkdir -p "$cache"
# Two suites or two clones at once: the second waits for the first install.
exec 9>"$cache/.chromium.lock"
flock 9
if [[ ! -x /usr/bin/chromium ]]; then
  command -v apt-get >/dev/null || { echo "10-chromium: /usr/bin/chromium missing and no apt-get: install Debian's chromium package" >&2; exit 1; }
  echo "10-chromium: installing Debian's chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
echo "10-chromium: $(/usr/bin/chromium --version 2>/dev/null) at /usr/bin/chromium"
