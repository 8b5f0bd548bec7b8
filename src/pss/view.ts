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
}

const view: PodView = { meta: undefined, spec: {}, podSC: undefined, annotations: undefined, windows: false, n: 0, c: [], sc: [], kind: [], index: [] };

export function loadView(meta: unknown, spec: Obj): PodView {
  const v = view;
  v.meta = obj(meta);
  v.spec = spec;
  v.podSC = obj(spec.securityContext);
  v.annotations = v.meta ? obj(v.meta.annotations) : undefined;
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

/** The container's name as Go would hold it. */
export function nameOf(v: PodView, i: number): string {
  return str(v.c[i].name);
}

/** Path of container i: ['spec', kind, index]. */
export function containerPath(v: PodView, i: number, ...rest: Array<string | number>): Array<string | number> {
  return ['spec', v.kind[i], v.index[i], ...rest];
}
