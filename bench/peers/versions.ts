/**
 * The peer scanners bench:peers compares kubeharden with, pinned. Bump a version here and the
 * installer builds it into a fresh directory of the cache on the next run.
 *
 * Picked with `go list -m -versions MODULE` and `pip index versions checkov` (newest stable); Trivy
 * and Kyverno are the versions issue #22 names.
 * kube-linter and Polaris are refused by the Go module proxy this machine may use (HTTP 403
 * "This module version is not available" for every version and for the version list), so
 * their pins come from the upstream release pages; the installer still tries them on every run
 * and records why they are missing, so a machine whose proxy serves them benchmarks them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export type PeerName = 'checkov' | 'kubeLinter' | 'kubeScore' | 'polaris' | 'trivy' | 'kyverno';

export interface GoPeer {
  name: PeerName;
  label: string;
  via: 'go';
  /** Module to `go install` (package path of the main package). */
  pkg: string;
  version: string;
  binary: string;
  /** Build environment the project's own release build uses (e.g. Trivy's GOEXPERIMENT=jsonv2). */
  env?: Record<string, string>;
  /** -ldflags of the project's release build (so the binary reports its version). */
  ldflags?: string;
  /**
   * Module whose source is built with `go build` inside a copy of it, for modules whose go.mod has
   * replace directives (`go install pkg@version` refuses those). Absent: `go install pkg@version`.
   */
  sourceModule?: string;
}

export interface PipPeer {
  name: PeerName;
  label: string;
  via: 'pip';
  pkg: string;
  version: string;
  binary: string;
}

export type PeerSpec = GoPeer | PipPeer;

export const PEERS: readonly PeerSpec[] = [
  { name: 'kubeLinter', label: 'kube-linter', via: 'go', pkg: 'golang.stackrox.io/kube-linter/cmd/kube-linter', version: 'v0.8.3', binary: 'kube-linter' },
  { name: 'kubeScore', label: 'kube-score', via: 'go', pkg: 'github.com/zegl/kube-score/cmd/kube-score', version: 'v1.20.0', binary: 'kube-score' },
  // The module has no /vN suffix; its v10 releases are only reachable as +incompatible or by pseudo-version.
  { name: 'polaris', label: 'Polaris', via: 'go', pkg: 'github.com/fairwindsops/polaris', version: 'latest', binary: 'polaris' },
  { name: 'checkov', label: 'Checkov', via: 'pip', pkg: 'checkov', version: '3.3.30', binary: 'checkov' },
  // Trivy's release build (goreleaser.yml) needs the encoding/json/v2 experiment to compile.
  {
    name: 'trivy',
    label: 'Trivy',
    via: 'go',
    pkg: 'github.com/aquasecurity/trivy/cmd/trivy',
    version: 'v0.74.0',
    binary: 'trivy',
    env: { GOEXPERIMENT: 'jsonv2' },
    ldflags: '-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=0.74.0',
  },
  // Kyverno's go.mod replaces k8s.io/pod-security-admission with Kyverno's fork, so it is built from its source (as its Makefile's build-cli does).
  {
    name: 'kyverno',
    label: 'Kyverno CLI',
    via: 'go',
    pkg: 'github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno',
    version: 'v1.19.1',
    binary: 'kyverno',
    sourceModule: 'github.com/kyverno/kyverno',
    ldflags: '-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=v1.19.1',
  },
];

/** Root of the peer cache (outside the repo so fresh clones reuse it). */
export function cacheDir(): string {
  const base = process.env.KUBEHARDEN_CACHE ?? join(homedir(), '.cache', 'kubeharden');
  return join(base, 'peers');
}

/** Where one pinned peer is installed: a directory per (peer, version). */
export function peerDir(p: PeerSpec): string {
  return join(cacheDir(), `${p.binary}-${p.version}`);
}

export function peerBinary(p: PeerSpec): string {
  return p.via === 'pip' ? join(peerDir(p), 'venv', 'bin', p.binary) : join(peerDir(p), 'bin', p.binary);
}
