#!/usr/bin/env bash
# cosign v2 (github.com/sigstore/cosign/v2 `cmd/cosign`) built from the Go module proxy: the oracle
# of the image-gate suites. The tests generate key pairs with it, sign images in the test registry
# (keyed, no transparency log) and check that kubeharden's verdict equals `cosign verify --key` on
# every case. Test infrastructure only. Cached in
# ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/cosign/<version>/cosign.
#   bash scripts/infra/51-cosign.sh          # build if needed
#   bash scripts/infra/51-cosign.sh --print  # print the binary path, build nothing
# Fresh build: ~2 min of modules and ~5-8 min of compiling on 2 cores.
set -euo pipefail
tool=cosign module=github.com/sigstore/cosign/v2 pkg=cmd/cosign bin=cosign version=v2.6.5
source "$(dirname "$0")/lib/go-tool.sh"
go_tool_main "$@"
