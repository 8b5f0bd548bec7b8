/**
 * Pod specs are found by shape, not by a list of kinds: Pod `spec`, `spec.template.spec`,
 * `spec.jobTemplate.spec.template.spec`, PodTemplate `template.spec`. So Argo Rollouts, Knative
 * Services, OpenKruise and any custom resource with a pod template are checked too.
 */
import type { LoadedObject, Path } from '../load/types.js';
import { asList, asMap, asString, getIn, isMap, type JsonMap } from './json.js';

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  name: string;
  /** Absolute path of the container entry within the object. */
  path: Path;
  spec: JsonMap;
}

export interface PodTarget {
  owner: LoadedObject;
  /** Path of the pod spec within the object, e.g. ['spec', 'template', 'spec']. */
  specPath: Path;
  /** Path of the pod metadata (labels/annotations of the pod template). */
  metaPath: Path;
  spec: JsonMap;
  /** The pod's own metadata (for a template: the template's metadata). */
  meta: JsonMap;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Containers, initContainers and ephemeralContainers, in that order. */
  containers: ContainerRef[];
  /** The namespace pods will run in (the owner's namespace). */
  namespace: string | undefined;
  /** spec.os.name == windows (the Pod Security Standards exempt some controls). */
  isWindows: boolean;
  /** Effective service account name ('default' when unset). */
  serviceAccountName: string;
}

/** Candidate locations of [podSpec, podMeta] relative to the object root. */
const SHAPES: ReadonlyArray<{ spec: Path; meta: Path }> = [
  { spec: ['spec'], meta: ['metadata'] }, // Pod
  { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] }, // Deployment, Rollout, Knative Service…
  { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] }, // CronJob
  { spec: ['template', 'spec'], meta: ['template', 'metadata'] }, // PodTemplate
];

function looksLikePodSpec(v: unknown): v is JsonMap {
  return isMap(v) && Array.isArray(v.containers) && v.containers.some(isMap);
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const m = asMap(v);
  if (m) {
    for (const k of Object.keys(m)) {
      const val = m[k];
      if (val !== null && val !== undefined) out[k] = String(val);
    }
  }
  return out;
}

/**
 * Built-in kinds that never carry a pod spec; skipping them saves building huge objects (CRDs).
 * Keyed by API group too: a Knative `serving.knative.dev` Service has a pod template, a core
 * Service does not.
 */
const NEVER_PODS = new Set(
  [
    '/ConfigMap', '/Secret', '/Service', '/Namespace', '/ServiceAccount', '/Endpoints', '/PersistentVolumeClaim', '/PersistentVolume',
    '/LimitRange', '/ResourceQuota', '/Event', 'apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/Role',
    'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding',
    'networking.k8s.io/NetworkPolicy', 'networking.k8s.io/Ingress', 'apiregistration.k8s.io/APIService',
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
    'policy/PodDisruptionBudget', 'scheduling.k8s.io/PriorityClass', 'storage.k8s.io/StorageClass', 'discovery.k8s.io/EndpointSlice',
    'monitoring.coreos.com/ServiceMonitor', 'monitoring.coreos.com/PodMonitor', 'monitoring.coreos.com/PrometheusRule',
  ],
);

function groupKind(o: LoadedObject): string {
  const slash = o.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : o.apiVersion.slice(0, slash)}/${o.kind}`;
}

export function findPodSpecs(owner: LoadedObject): PodTarget[] {
  if (NEVER_PODS.has(groupKind(owner))) return [];
  const obj = owner.object;
  const found: PodTarget[] = [];
  for (const shape of SHAPES) {
    const spec = getIn(obj, shape.spec);
    if (!looksLikePodSpec(spec)) continue;
    const meta = asMap(getIn(obj, shape.meta)) ?? {};
    const containers: ContainerRef[] = [];
    for (const kind of CONTAINER_KINDS) {
      const list = asList(spec[kind]);
      for (let index = 0; index < list.length; index++) {
        const c = list[index];
        if (isMap(c)) containers.push({ kind, index, name: asString(c.name) ?? `#${index}`, path: [...shape.spec, kind, index], spec: c });
      }
    }
    found.push({
      owner,
      specPath: shape.spec,
      metaPath: shape.meta,
      spec,
      meta,
      labels: stringRecord(meta.labels),
      annotations: stringRecord(meta.annotations),
      containers,
      namespace: owner.namespace,
      isWindows: asString(asMap(spec.os)?.name) === 'windows',
      serviceAccountName: asString(spec.serviceAccountName) || asString(spec.serviceAccount) || 'default',
    });
    break; // one pod spec per object: the first shape that matches
  }
  return found;
}
