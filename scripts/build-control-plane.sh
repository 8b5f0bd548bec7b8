#!/usr/bin/env bash
# Builds the real control plane the e2e suite runs against: kube-apiserver,
# kube-controller-manager and a matching kubectl (from k8s.io/kubernetes used as a
# library) and etcd (go.etcd.io/etcd/server/v3 at the version that release pins),
# from the Go module proxy. Go is test infrastructure only; kubeharden never needs it at run time.
#
# Binaries land in ${KUBEHARDEN_CACHE:-$HOME/.cache/kubeharden}/control-plane/<k8s-version>/
# (outside the repo, so every clone on this machine reuses them), module and build
# caches in .../go/. Idempotent: when the binaries for the version exist and were
# built from the same sources, it exits at once. First build: see docs/control-plane.md.
#
#   bash scripts/build-control-plane.sh          # build if needed
#   bash scripts/build-control-plane.sh --print  # print the binaries dir, build nothing
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/test/cluster/kube"
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"

version="$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p; s/^\tk8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$src/go.mod" | head -n1)"
[[ -n "$version" ]] || { echo "build-control-plane: no k8s.io/kubernetes version in $src/go.mod" >&2; exit 1; }
out="$cache/control-plane/$version"
bins=(kube-apiserver kube-controller-manager etcd kubectl)

if [[ "${1:-}" == "--print" ]]; then echo "$out"; exit 0; fi

# Built as a library, the binaries would report v0.0.0-master+$Format:%H$ at /version
# (and in User-Agents); stamp the release as the upstream build does, for the server
# (component-base) and for its clients (client-go).
[[ "$version" =~ ^v([0-9]+)\.([0-9]+)\. ]]
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=archive -X $pkg.gitCommit="
done

# What determines the binaries; a change (new mains, bumped go.sum, flags) rebuilds.
stamp="$(cd "$src" && { cat go.mod go.sum $(find cmd -name '*.go' | LC_ALL=C sort); echo "$ldflags"; } | sha256sum | cut -c1-16)"
built() {
  [[ -f "$out/stamp" && "$(cat "$out/stamp")" == "$stamp" ]] || return 1
  local b; for b in "${bins[@]}"; do [[ -x "$out/$b" ]] || return 1; done
}
if built; then echo "build-control-plane: $version up to date in $out"; exit 0; fi

# Non-login shells (CI) may lack Go's usual install dir on PATH.
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || {
  echo "build-control-plane: 'go' not found. Install Go >= $(sed -n 's/^go //p' "$src/go.mod") (test infrastructure only)." >&2
  exit 1
}

mkdir -p "$cache/go" "$cache/control-plane"
# One build at a time per cache (parallel test runs, two clones): the second waits
# and then finds the binaries built.
exec 9>"$cache/control-plane/.build.lock"
if ! flock -n 9; then
  echo "build-control-plane: another build holds $cache/control-plane/.build.lock, waiting..."
  flock 9
  if built; then echo "build-control-plane: $version built by the other run"; exit 0; fi
fi

export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
unset GOOS GOARCH

echo "build-control-plane: building k8s $version (apiserver, controller-manager, kubectl) + etcd into $out"
echo "  (first build downloads ~1 GB of modules and compiles for 10-25 min on 2 cores; later runs are instant)"
start=$(date +%s)
tmp="$(mktemp -d "$cache/control-plane/.tmp-$version.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && go mod download)
echo "  modules ready after $(( $(date +%s) - start ))s; compiling..."
# nice: other work on this machine (tests, editors, other builds) stays responsive.
# The release date (from the proxy) as build date keeps the build reproducible.
released="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"Info": "\(.*\)",$/\1/p' | xargs cat | sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do ldflags+=" -X $pkg.buildDate=${released:-1970-01-01T00:00:00Z}"; done
(cd "$src" && nice -n 10 go build -trimpath -ldflags="$ldflags" -o "$tmp/" "${bins[@]/#/./cmd/}")
for b in "${bins[@]}"; do [[ -x "$tmp/$b" ]] || { echo "build-control-plane: $b missing after build" >&2; exit 1; }; done
echo "$stamp" > "$tmp/stamp"
{
  echo "k8s: $version"
  echo "etcd: $(sed -n 's/^\tgo.etcd.io\/etcd\/server\/v3 \(v[0-9.]*\).*/\1/p' "$src/go.mod")"
  echo "go: $(go env GOVERSION)"
  echo "built: $(date -u +%FT%TZ) in $(( $(date +%s) - start ))s"
} > "$tmp/BUILD-INFO"
# Replace file by file (rename is atomic), stamp last: a test starting meanwhile sees
# either the old binaries or the new ones, never a missing directory.
mkdir -p "$out"
for f in "${bins[@]}" BUILD-INFO; do mv -f "$tmp/$f" "$out/$f"; done
mv -f "$tmp/stamp" "$out/stamp"
rm -rf "$tmp"
trap - EXIT
echo "build-control-plane: done in $(( $(date +%s) - start ))s"
cat "$out/BUILD-INFO"
ls -l "$out"
