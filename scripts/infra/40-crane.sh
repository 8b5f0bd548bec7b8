#!/usr/bin/env bash
# crane (go-containerregistry) for assembling and checking the container image daemonlessly
# (test infrastructure only; no Docker engine exists here), built from the Go module proxy into
# ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/crane/<version>/crane. Idempotent and locked.
# Fresh build: ~1-2 min on 2 cores.
set -euo pipefail
version=v0.21.5
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/crane/$version"
built() { [[ -x "$out/crane" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$version" ]]; }
if built; then echo "crane: $version at $out/crane"; exit 0; fi
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "crane: 'go' not found (test infrastructure only)" >&2; exit 1; }
mkdir -p "$cache/crane" "$cache/go"
exec 9>"$cache/crane/.build.lock"
flock 9
if built; then echo "crane: $version at $out/crane (built by another run)"; exit 0; fi
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
start=$SECONDS
tmp="$(mktemp -d "$cache/crane/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags="-s -w" "github.com/google/go-containerregistry/cmd/crane@$version"
mkdir -p "$out"
mv -f "$tmp/crane" "$out/crane"
echo "$version" > "$out/stamp"
echo "crane: $version built in $((SECONDS - start)) s at $out/crane"
