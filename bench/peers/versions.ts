/**
 * The peer scanners bench:peers compares kubeharden with, pinned. Bump a version here and the
 * installer builds it into a fresh directory of the cache on the next run.
 *
 * Picked with `go list -m -versions MODULE` and `pip index versions checkov` (newest stable).
 * kube-linter and Polaris are refused by the Go module proxy this machine may use (HTTP 403
 * "This module version is not available" for every version and for the version list), so
 * their pins come from the upstream release pages; the installer still tries them on every run
 * and records why they are missing, so a machine whose proxy serves them benchmarks them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export type PeerName = 'checkov' | 'kubeLinter' | 'kubeScore' | 'polaris';

export interface GoPeer {
  name: PeerName;
  label: string;
  via: 'go';
  /** Module to `go install` (package path of the main package). */
  pkg: string;
  version: string;
  binary: string;
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
