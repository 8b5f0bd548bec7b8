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
source "$(dirname "$0")/lib/go-tool.sh"
go_tool_main "$@"
