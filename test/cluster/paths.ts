// Where the control-plane binaries live, and whether they are there.
// They are built by scripts/build-control-plane.sh into a cache OUTSIDE the repo,
// keyed by the k8s.io/kubernetes version pinned in test/cluster/kube/go.mod.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const buildScript = 'scripts/build-control-plane.sh';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBEHARDEN_CACHE || join(homedir(), '.cache', 'kubeharden');
}

/** The pinned release, read from the committed go.mod (`require k8s.io/kubernetes vX`). */
export function kubernetesVersion(): string {
  const gomod = readFileSync(join(repoRoot, 'test/cluster/kube/go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(gomod);
  if (!m) throw new Error('test/cluster/kube/go.mod does not pin k8s.io/kubernetes');
  return m[1];
}

export interface Binaries {
  dir: string;
  apiserver: string;
  controllerManager: string;
  etcd: string;
  kubectl: string;
}

export function binaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  const dir = join(cacheRoot(env), 'control-plane', kubernetesVersion());
  return {
    dir,
    apiserver: join(dir, 'kube-apiserver'),
    controllerManager: join(dir, 'kube-controller-manager'),
    etcd: join(dir, 'etcd'),
    // Built at the apiserver's release, so tests never hit client/server skew; override to test another.
    kubectl: env.KUBEHARDEN_KUBECTL || join(dir, 'kubectl'),
  };
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(cmd: string): boolean {
  if (cmd.includes('/')) return executable(cmd);
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && executable(join(d, cmd)));
}

/** Whether startCluster() can run here; `reason` says what is missing and how to get it. */
export function controlPlaneAvailable(): { ok: boolean; reason?: string } {
  let b: Binaries;
  try {
    b = binaries();
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  // onPath() also covers a KUBEHARDEN_KUBECTL given as a bare command name.
  const missing = [b.apiserver, b.controllerManager, b.etcd, b.kubectl].filter((p) => !onPath(p));
  if (missing.length > 0) {
    return { ok: false, reason: `control plane not built (missing ${missing.join(', ')}): run bash ${buildScript}` };
  }
  if (!onPath('openssl')) return { ok: false, reason: 'openssl not found (needed to generate serving certs)' };
  return { ok: true };
}
