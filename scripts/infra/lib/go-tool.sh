#!/usr/bin/env bash
# Sourced by the scripts/infra/NN-*.sh that build one Go command from the module proxy: set
# tool, module, pkg, bin and version, then `go_tool_main "$@"`. Idempotent (a stamp names
# module@version), one build at a time (flock), `--print` prints the binary path and builds nothing.
go_tool_main() {
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
}
