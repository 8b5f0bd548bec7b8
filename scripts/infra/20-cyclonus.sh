#!/usr/bin/env bash
# The NetworkPolicy oracle: test/netpol-oracle (a small Go driver around the policy engine of
# Cyclonus v0.5.6, github.com/mattfenwick/cyclonus/pkg/matcher) built from the Go module proxy.
# Test infrastructure only (test/e2e/netpol-differential.test.ts, bench/netpol.bench.ts); never a
# runtime dependency of kubeharden.
#
# Binary: ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/cyclonus/<version>/netpol-oracle; modules and build
# cache in .../go/ (shared with the control-plane build). Idempotent: exits at once when the binary
# was built from the same sources (stamp). Fresh build: ~40 MB of modules, ~1 min on 2 cores.
#
#   bash scripts/infra/20-cyclonus.sh          # build if needed
#   bash scripts/infra/20-cyclonus.sh --print  # print the binary's path, build nothing
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/test/netpol-oracle"
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
version="$(sed -n 's/^\tgithub.com\/mattfenwick\/cyclonus \(v[0-9.]*\)$/\1/p' "$src/go.mod" | head -n1)"
[[ -n "$version" ]] || { echo "20-cyclonus: no github.com/mattfenwick/cyclonus version in $src/go.mod" >&2; exit 1; }
out="$cache/cyclonus/$version"
bin="$out/netpol-oracle"

if [[ "${1:-}" == "--print" ]]; then echo "$bin"; exit 0; fi

stamp="$(cd "$src" && cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
built() { [[ -x "$bin" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$stamp" ]]; }
if built; then echo "20-cyclonus: netpol-oracle (cyclonus $version) up to date in $out"; exit 0; fi

command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "20-cyclonus: 'go' not found. Install Go >= 1.22 (test infrastructure only)." >&2; exit 1; }

mkdir -p "$cache/go" "$out"
exec 9>"$out/.build.lock"
if ! flock -n 9; then
  echo "20-cyclonus: another build holds $out/.build.lock, waiting..."
  flock 9
  if built; then echo "20-cyclonus: built by the other run"; exit 0; fi
fi

export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
unset GOOS GOARCH
start=$(date +%s)
echo "20-cyclonus: building netpol-oracle against cyclonus $version into $out"
tmp="$(mktemp "$out/.netpol-oracle.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
(cd "$src" && go mod download && nice -n 10 go build -trimpath -ldflags="-s -w" -o "$tmp" .)
chmod +x "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "$stamp" > "$out/stamp"
echo "20-cyclonus: done in $(( $(date +%s) - start ))s: $bin"
