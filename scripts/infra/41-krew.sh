#!/usr/bin/env bash
# krew, the kubectl plugin manager, to install the `kubectl harden` plugin from its manifest
# and release archive offline (test infrastructure only), built from the Go module proxy into
# ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/krew/<version>/krew. Idempotent and locked.
# Fresh build: ~1-2 min on 2 cores.
set -euo pipefail
version=v0.4.3
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/krew/$version"
built() { [[ -x "$out/krew" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$version" ]]; }
if built; then echo "krew: $version at $out/krew"; exit 0; fi
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "krew: 'go' not found (test infrastructure only)" >&2; exit 1; }
mkdir -p "$cache/krew" "$cache/go"
exec 9>"$cache/krew/.build.lock"
flock 9
if built; then echo "krew: $version at $out/krew (built by another run)"; exit 0; fi
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
start=$SECONDS
tmp="$(mktemp -d "$cache/krew/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags="-s -w" "sigs.k8s.io/krew/cmd/krew@$version"
mkdir -p "$out"
mv -f "$tmp/krew" "$out/krew"
echo "$version" > "$out/stamp"
echo "krew: $version built in $((SECONDS - start)) s at $out/krew"
