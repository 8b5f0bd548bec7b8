#!/usr/bin/env bash
# The OCI distribution registry (github.com/distribution/distribution/v3, `cmd/registry`: the
# registry behind Docker Hub, Harbor and GHCR's protocol) built from the Go module proxy, for the
# image-gate suites: images and cosign signatures are pushed to it, and its token
# authentication (WWW-Authenticate: Bearer) is the real thing kubeharden's OCI client talks to.
# Test infrastructure only. Cached in ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/distribution/<version>/registry.
#   bash scripts/infra/50-distribution.sh          # build if needed
#   bash scripts/infra/50-distribution.sh --print  # print the binary path, build nothing
# Fresh build: ~1 min of modules and ~1-2 min of compiling on 2 cores.
set -euo pipefail
tool=distribution module=github.com/distribution/distribution/v3 pkg=cmd/registry bin=registry version=v3.1.2
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/$tool/$version"
if [[ "${1:-}" == "--print" ]]; then echo "$out/$bin"; exit 0; fi
built() { [[ -x "$out/$bin" && "$(cat "$out/stamp" 2>/dev/null)" == "$module@$version" ]]; }
if built; then echo "$tool: $version ready at $out/$bin"; exit 0; fi

command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "$tool: 'go' not found (needed to build test infrastructure only)" >&2; exit 1; }
mkdir -p "$cache/go" "$cache/$tool"
exec 9>"$cache/$tool/.build.lock"
flock 9
if built; then echo "$tool: $version built by another run at $out/$bin"; exit 0; fi

export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
unset GOOS GOARCH
start=$SECONDS
tmp="$(mktemp -d "$cache/$tool/.tmp-$version.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "$tool: building $module/$pkg@$version into $out"
GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags="-s -w" "$module/$pkg@$version"
[[ -x "$tmp/$bin" ]] || { echo "$tool: $bin missing after the build" >&2; exit 1; }
mkdir -p "$out"
mv -f "$tmp/$bin" "$out/$bin"
echo "$module@$version" > "$out/stamp"
echo "$tool: built in $((SECONDS - start)) s at $out/$bin"
