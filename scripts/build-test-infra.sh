#!/usr/bin/env bash
# Builds every piece of test infrastructure the e2e suites need, into the cache outside the repo
# (${KUBEHARDEN_CACHE:-~/.cache/kubeharden}): the control plane first, then each scripts/infra/*.sh
# in name order (oracles and peers built from the registries: never runtime dependencies).
# Each script is idempotent (exits at once when its pinned version is cached) and prints one line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
start=$SECONDS
bash "$root/scripts/build-control-plane.sh"
shopt -s nullglob
for s in "$root"/scripts/infra/*.sh; do
  t=$SECONDS
  bash "$s"
  echo "build-test-infra: $(basename "$s") done in $((SECONDS - t)) s"
done
echo "build-test-infra: all test infrastructure ready in $((SECONDS - start)) s"
