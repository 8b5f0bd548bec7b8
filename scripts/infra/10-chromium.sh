#!/usr/bin/env bash
# Headless Chromium for the browser tests of HTML output (test infrastructure only): Debian's
# `chromium` package, installed with apt only when /usr/bin/chromium is missing. Never a runtime
# dependency, and no browser is downloaded by any other means.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) at /usr/bin/chromium"
  exit 0
fi
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
mkdir -p "$cache"
# One install at a time (two suites, two clones): the second waits, then finds it installed.
exec 9>"$cache/.chromium.lock"
flock 9
if [[ ! -x /usr/bin/chromium ]]; then
  echo "chromium: installing Debian's chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null) at /usr/bin/chromium"
