#!/usr/bin/env bash
# Regenerates src/controlplane/flags/tables.generated.ts (every flag of kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet and etcd, and how it parses) from the
# Kubernetes release pinned in test/cluster/kube/go.mod, by running scripts/flag-tables/main.go
# against that release from the Go module proxy. A maintainer's tool for version bumps: the
# generated file is committed, and Go is never needed to build or run kubeharden.
#
#   bash scripts/gen-flag-tables.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { echo "gen-flag-tables: 'go' not found" >&2; exit 1; }

gomod="$root/test/cluster/kube/go.mod"
version="$(sed -n 's/^\tk8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$gomod" | head -n1)"
etcd="$(sed -n 's/^\tgo.etcd.io\/etcd\/server\/v3 \(v[0-9.]*\).*/\1/p' "$gomod" | head -n1)"
[[ -n "$version" && -n "$etcd" ]] || { echo "gen-flag-tables: cannot read the pinned versions from $gomod" >&2; exit 1; }

# The same module graph as the test control plane (its go.mod replaces every staging module),
# in a scratch module so that build's stamp and go.sum stay untouched.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed 's/^module .*/module kubeharden.dev\/flagtables/' "$gomod" > "$work/go.mod"
cp "$root/test/cluster/kube/go.sum" "$work/go.sum"
cp "$root/scripts/flag-tables/main.go" "$work/main.go"
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" CGO_ENABLED=0 GOFLAGS=-mod=mod
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
out="$root/src/controlplane/flags/tables.generated.ts"
mkdir -p "$(dirname "$out")"
(cd "$work" && nice -n 10 go run . "$version" "$etcd") > "$out.tmp"
mv "$out.tmp" "$out"
echo "gen-flag-tables: wrote $out ($version, etcd $etcd)"
