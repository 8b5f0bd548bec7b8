/**
 * One evaluation's read-only view of a pod: its containers gathered once, in upstream
 * `visitContainers` order (initContainers, containers, ephemeralContainers). The view is a
 * reused module-level buffer (evaluation is synchronous), so evaluating an allowed pod does
 * not allocate.
 */
import { arr, obj, str, type Obj } from './util.js';

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';
const KINDS: readonly ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

export interface PodView {
  meta: Obj | undefined;
  spec: Obj;
  /** spec.securityContext */
  podSC: Obj | undefined;
  /** metadata.annotations */
  annotations: Obj | undefined;
  /** spec.os.name == "windows" */
  windows: boolean;
  /** Number of containers (all three kinds). */
  n: number;
  /** Container objects (non-objects in the lists are skipped, as the API server would reject them). */
  c: Obj[];
  /** The container's securityContext (undefined when absent). */
  sc: Array<Obj | undefined>;
  kind: ContainerKind[];
  index: number[];
  /** Bit set of deprecated annotation families present (computed on first use; -1 = not yet). */
  annFlags: number;
}

export const ANN_SECCOMP = 1;
export const ANN_APPARMOR = 2;

const view: PodView = { meta: undefined, spec: {}, podSC: undefined, annotations: undefined, windows: false, n: 0, c: [], sc: [], kind: [], index: [], annFlags: -1 };

export function loadView(meta: unknown, spec: Obj): PodView {
  const v = view;
  v.meta = obj(meta);
  v.spec = spec;
  v.podSC = obj(spec.securityContext);
  v.annotations = v.meta ? obj(v.meta.annotations) : undefined;
  v.annFlags = v.annotations ? -1 : 0;
  const os = obj(spec.os);
  v.windows = os !== undefined && os.name === 'windows';
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const kind = KINDS[k];
    const list = arr(spec[kind]);
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const c = obj(list[i]);
      if (!c) continue;
      v.c[n] = c;
      v.sc[n] = obj(c.securityContext);
      v.kind[n] = kind;
      v.index[n] = i;
      n++;
    }
  }
  v.n = n;
  return v;
}

/** Drops references to the last pod (so the buffer does not keep it alive). */
export function releaseView(): void {
  const v = view;
  for (let i = 0; i < v.n; i++) {
    v.c[i] = EMPTY;
    v.sc[i] = undefined;
  }
  v.meta = undefined;
  v.spec = EMPTY;
  v.podSC = undefined;
  v.annotations = undefined;
  v.n = 0;
}
const EMPTY: Obj = Object.freeze({}) as Obj;

/** Which deprecated seccomp/AppArmor annotations the pod has (one scan of the keys per pod). */
export function annotationFlags(v: PodView): number {
  if (v.annFlags >= 0) return v.annFlags;
  let f = 0;
  const ann = v.annotations;
  if (ann) {
    for (const k in ann) {
      if (k.charCodeAt(0) === 99 /* c */) {
        if (k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) f |= ANN_SECCOMP;
        else if (k.startsWith('container.apparmor.security.beta.kubernetes.io/')) f |= ANN_APPARMOR;
      } else if (k === 'seccomp.security.alpha.kubernetes.io/pod') f |= ANN_SECCOMP;
    }
  }
  v.annFlags = f;
  return f;
}

/** The container's name as Go would hold it. */
export function nameOf(v: PodView, i: number): string {
  return str(v.c[i].name);
}

/** Path of a field of container i: ['spec', kind, index, ...rest]. */
export function containerPath(v: PodView, i: number, a?: string | number, b?: string | number, c?: string | number, d?: string | number, e?: string | number): Array<string | number> {
  const p: Array<string | number> = ['spec', v.kind[i], v.index[i]];
  if (a !== undefined) p.push(a);
  if (b !== undefined) p.push(b);
  if (c !== undefined) p.push(c);
  if (d !== undefined) p.push(d);
  if (e !== undefined) p.push(e);
  return p;
}
