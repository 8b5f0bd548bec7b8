/**
 * What the generators need to know about an application: its workloads (objects with a pod
 * spec, found by shape), the label selector that picks each workload's pods, its Services and
 * the namespaces involved. Objects without a namespace stay without one (they land where the
 * user applies them) unless a namespace is given.
 */
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString, isMap, type JsonMap } from '../k8s/json.js';
import { findPodSpecs, type PodTarget } from '../k8s/pod-spec.js';
import { isClusterScoped } from '../engine/object-index.js';

/** The label every generated object carries. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubeharden' } as const;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface Workload {
  object: LoadedObject;
  kind: string;
  name: string;
  /** '' when the manifest sets none (and no namespace was given). */
  namespace: string;
  pod: PodTarget;
  /** Selects exactly this workload's pods; undefined when its pods carry no labels. */
  selector: LabelSelector | undefined;
}

export interface ServiceInfo {
  object: LoadedObject;
  name: string;
  namespace: string;
  type: string;
  selector: Record<string, string> | undefined;
  ports: Array<{ name?: string; port: number; targetPort: number | string; protocol: string }>;
}

export function namespaceOf(o: LoadedObject, override?: string): string {
  return o.namespace ?? override ?? '';
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  const m = asMap(v);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(m)) if (val !== null && val !== undefined && typeof val !== 'object') out[k] = String(val);
  return Object.keys(out).length ? out : undefined;
}

/** The workload's own selector (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job), else its pod labels. */
function selectorOf(o: LoadedObject, pod: PodTarget): LabelSelector | undefined {
  const spec = asMap(o.object.spec);
  const sel = spec?.selector;
  if (pod.specPath.length === 3 && isMap(sel)) {
    // ReplicationController: a plain map. Others: a LabelSelector.
    if (!('matchLabels' in sel) && !('matchExpressions' in sel)) {
      const ml = stringRecord(sel);
      if (ml) return { matchLabels: ml };
    } else {
      const ml = stringRecord(sel.matchLabels);
      const me = asList(sel.matchExpressions)
        .map((e) => asMap(e))
        .filter((e): e is JsonMap => !!e && typeof e.key === 'string' && typeof e.operator === 'string')
        .map((e) => ({ key: e.key as string, operator: e.operator as string, ...(Array.isArray(e.values) ? { values: e.values.map(String) } : {}) }));
      if (ml || me.length) return { ...(ml ? { matchLabels: ml } : {}), ...(me.length ? { matchExpressions: me } : {}) };
    }
  }
  const labels = Object.keys(pod.labels).length ? { ...pod.labels } : undefined;
  return labels ? { matchLabels: labels } : undefined;
}

export function findWorkloads(objects: readonly LoadedObject[], namespace?: string): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    for (const pod of findPodSpecs(o)) {
      out.push({ object: o, kind: o.kind, name: o.name, namespace: namespaceOf(o, namespace), pod, selector: selectorOf(o, pod) });
    }
  }
  return out;
}

export function findServices(objects: readonly LoadedObject[], namespace?: string): ServiceInfo[] {
  return objects
    .filter((o) => o.kind === 'Service' && (o.apiVersion === 'v1' || o.apiVersion === ''))
    .map((o) => {
      const spec = asMap(o.object.spec) ?? {};
      const ports = asList(spec.ports)
        .map((p) => asMap(p))
        .filter((p): p is JsonMap => !!p && typeof p.port === 'number')
        .map((p) => ({
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
          port: p.port as number,
          targetPort: typeof p.targetPort === 'number' || (typeof p.targetPort === 'string' && p.targetPort !== '') ? (p.targetPort as number | string) : (p.port as number),
          protocol: asString(p.protocol) ?? 'TCP',
        }))
        .map((p) => ({ ...p, targetPort: typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : p.targetPort }));
      return { object: o, name: o.name, namespace: namespaceOf(o, namespace), type: asString(spec.type) ?? 'ClusterIP', selector: stringRecord(spec.selector), ports };
    });
}

/** Namespaces of the namespaced objects ('' for "wherever it is applied"), in input order. */
export function namespacesOf(objects: readonly LoadedObject[], namespace?: string): string[] {
  const seen = new Set<string>();
  for (const o of objects) if (!isClusterScoped(o.kind)) seen.add(namespaceOf(o, namespace));
  return [...seen];
}

/** `metadata` for a generated object. */
export function meta(name: string, namespace: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...MANAGED_BY, ...(extra.labels ?? {}) },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** Namespaces kubeharden never labels or creates: they belong to the cluster. */
export function isSystemNamespace(ns: string): boolean {
  return ns === 'default' || ns === 'kube-system' || ns === 'kube-public' || ns === 'kube-node-lease';
}
