#!/usr/bin/env bash
# helm v3 for the chart tests (test infrastructure only: `helm template` renders charts/kubeharden),
# built from the Go module proxy into ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/helm/<version>/helm.
# Idempotent (exits at once when built) and locked (a second run waits for the first).
# Fresh build: ~4-8 min on 2 cores (modules shared with the control-plane build's cache).
set -euo pipefail
version=v3.21.4
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/helm/$version"
built() { [[ -x "$out/helm" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$version" ]]; }
if built; then echo "helm: $version at $out/helm"; exit 0; fi
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "helm: 'go' not found (test infrastructure only)" >&2; exit 1; }
mkdir -p "$cache/helm" "$cache/go"
exec 9>"$cache/helm/.build.lock"
flock 9
if built; then echo "helm: $version at $out/helm (built by another run)"; exit 0; fi
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
start=$SECONDS
tmp="$(mktemp -d "$cache/helm/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "helm: building helm.sh/helm/v3/cmd/helm@$version"
GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version" "helm.sh/helm/v3/cmd/helm@$version"
mkdir -p "$out"
mv -f "$tmp/helm" "$out/helm"
echo "$version" > "$out/stamp"
echo "helm: $version built in $((SECONDS - start)) s at $out/helm"
