/**
 * hostPath volumes of a pod and the mounts that use them, with the path classification shared by
 * VOL-HOSTPATH-SENSITIVE, VOL-RUNTIME-SOCKET and VOL-CLOUD-CREDS. Paths are compared after
 * normalisation (duplicate and trailing slashes, "." and ".." segments), as the kubelet resolves
 * them on the node.
 */
import type { Path } from '../../load/types.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import { asList, asMap, asString, yamlTrue } from '../../k8s/json.js';

export interface HostPathMount {
  c: ContainerRef;
  /** Index in the container's volumeMounts. */
  index: number;
  /** Path of the volumeMounts entry. */
  path: Path;
  readOnly: boolean;
  mountPath: string;
}

export interface HostPathVolume {
  index: number;
  name: string;
  /** spec.volumes[i].hostPath.path as written. */
  raw: string;
  /** hostPath.type (Directory, Socket, DirectoryOrCreate…), if set. */
  type: string | undefined;
  /** Normalised absolute path ('/' for the root). */
  hostPath: string;
  /** Path of the volume's hostPath.path field. */
  fieldPath: Path;
  /** Containers (all three kinds) that mount the volume. */
  mounts: HostPathMount[];
}

/** Normalises an absolute host path: /var//run/./docker.sock/ → /var/run/docker.sock. */
export function normalizeHostPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** True when `p` is `base` or lies below it. */
export function isAtOrUnder(p: string, base: string): boolean {
  return base === '/' || p === base || p.startsWith(`${base}/`);
}

export function hostPathVolumes(pod: PodTarget): HostPathVolume[] {
  const out: HostPathVolume[] = [];
  const vols = asList(pod.spec.volumes);
  for (let i = 0; i < vols.length; i++) {
    const v = asMap(vols[i]);
    const hp = asMap(v?.hostPath);
    if (!v || !hp) continue;
    const raw = asString(hp.path) ?? '';
    out.push({ index: i, name: asString(v.name) ?? '', raw, type: asString(hp.type) || undefined, hostPath: normalizeHostPath(raw), fieldPath: [...pod.specPath, 'volumes', i, 'hostPath', 'path'], mounts: [] });
  }
  if (!out.length) return out;
  const byName = new Map(out.map((v) => [v.name, v]));
  for (const c of pod.containers) {
    const mounts = asList(c.spec.volumeMounts);
    for (let j = 0; j < mounts.length; j++) {
      const m = asMap(mounts[j]);
      const vol = m ? byName.get(asString(m.name) ?? '') : undefined;
      if (!m || !vol) continue;
      vol.mounts.push({ c, index: j, path: [...c.path, 'volumeMounts', j], readOnly: yamlTrue(m.readOnly), mountPath: asString(m.mountPath) ?? '' });
    }
  }
  return out;
}

/** True when at least one container mounts the volume writable. */
export function writable(v: HostPathVolume): boolean {
  return v.mounts.some((m) => !m.readOnly);
}

/** "mounted read-only by container "a"", "mounted writable by …", "not mounted by any container". */
export function mountSummary(v: HostPathVolume, describe: (c: ContainerRef) => string): string {
  if (!v.mounts.length) return 'not mounted by any container (an ephemeral debug container can still mount it)';
  const rw = v.mounts.filter((m) => !m.readOnly).map((m) => describe(m.c));
  const ro = v.mounts.filter((m) => m.readOnly).map((m) => describe(m.c));
  const parts = [];
  if (rw.length) parts.push(`writable by ${[...new Set(rw)].join(', ')}`);
  if (ro.length) parts.push(`read-only by ${[...new Set(ro)].join(', ')}`);
  return `mounted ${parts.join(' and ')}`;
}
