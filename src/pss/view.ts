/**
 * One evaluation's read-only view of a pod: its containers gathered once, in upstream
 * `visitContainers` order (initContainers, containers, ephemeralContainers), with their
 * securityContexts, as parallel arrays.
 *
 * Fast path (see docs/architecture.md): the view is one reused module-level buffer (evaluation
 * is synchronous and never re-entrant), so evaluating an allowed pod allocates nothing: the
 * webhook and `scan --pss` evaluate every pod at several levels. Only evaluate.ts loads and
 * releases it; checks read it. src/pss/oracle.test.ts (4,537 upstream fixtures) guards it.
 */
import { asList, asMap, goString, type JsonMap } from '../k8s/json.js';

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';
const KINDS: readonly ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

export interface PodView {
  meta: JsonMap | undefined;
  spec: JsonMap;
  /** spec.securityContext */
  podSecurityContext: JsonMap | undefined;
  /** metadata.annotations */
  annotations: JsonMap | undefined;
  /** spec.os.name == "windows" */
  windows: boolean;
  /** Number of containers (all three kinds). */
  count: number;
  /** Container objects (non-objects in the lists are skipped, as the API server would reject them). */
  containers: JsonMap[];
  /** The container's securityContext (undefined when absent). */
  securityContexts: Array<JsonMap | undefined>;
  /** Which list each container is in, and its index there (for paths). */
  containerKinds: ContainerKind[];
  containerIndexes: number[];
  /** Bit set of deprecated annotation families present (computed on first use; -1 = not yet). */
  annotationBits: number;
}

export const ANN_SECCOMP = 1;
export const ANN_APPARMOR = 2;

const view: PodView = { meta: undefined, spec: {}, podSecurityContext: undefined, annotations: undefined, windows: false, count: 0, containers: [], securityContexts: [], containerKinds: [], containerIndexes: [], annotationBits: -1 };

export function loadView(meta: unknown, spec: JsonMap): PodView {
  const v = view;
  v.meta = asMap(meta);
  v.spec = spec;
  v.podSecurityContext = asMap(spec.securityContext);
  v.annotations = v.meta ? asMap(v.meta.annotations) : undefined;
  v.annotationBits = v.annotations ? -1 : 0;
  const os = asMap(spec.os);
  v.windows = os !== undefined && os.name === 'windows';
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const kind = KINDS[k];
    const list = asList(spec[kind]);
    for (let i = 0; i < list.length; i++) {
      const c = asMap(list[i]);
      if (!c) continue;
      v.containers[n] = c;
      v.securityContexts[n] = asMap(c.securityContext);
      v.containerKinds[n] = kind;
      v.containerIndexes[n] = i;
      n++;
    }
  }
  v.count = n;
  return v;
}

/** Drops references to the last pod (so the buffer does not keep it alive). */
export function releaseView(): void {
  const v = view;
  for (let i = 0; i < v.count; i++) {
    v.containers[i] = EMPTY;
    v.securityContexts[i] = undefined;
  }
  v.meta = undefined;
  v.spec = EMPTY;
  v.podSecurityContext = undefined;
  v.annotations = undefined;
  v.count = 0;
}
const EMPTY: JsonMap = Object.freeze({}) as JsonMap;

/** Which deprecated seccomp/AppArmor annotations the pod has (one scan of the keys per pod). */
export function annotationFlags(v: PodView): number {
  if (v.annotationBits >= 0) return v.annotationBits;
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
  v.annotationBits = f;
  return f;
}

/** The container's name as Go would hold it. */
export function nameOf(v: PodView, i: number): string {
  return goString(v.containers[i].name);
}

/** Path of a field of container i: ['spec', kind, index, ...rest]. */
export function containerPath(v: PodView, i: number, a?: string | number, b?: string | number, c?: string | number, d?: string | number, e?: string | number): Array<string | number> {
  const p: Array<string | number> = ['spec', v.containerKinds[i], v.containerIndexes[i]];
  if (a !== undefined) p.push(a);
  if (b !== undefined) p.push(b);
  if (c !== undefined) p.push(c);
  if (d !== undefined) p.push(d);
  if (e !== undefined) p.push(e);
  return p;
}
