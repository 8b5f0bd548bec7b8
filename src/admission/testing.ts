/**
 * Building AdmissionReviews as the API server sends them, for tests, the bench and
 * `webhook review` experiments. Not used by the server.
 */
import type { KubeObject } from '../load/types.js';
import { ADMISSION_API_VERSION, type Operation } from './types.js';

const RESOURCES: Record<string, [group: string, version: string, resource: string]> = {
  Pod: ['', 'v1', 'pods'],
  Namespace: ['', 'v1', 'namespaces'],
  Service: ['', 'v1', 'services'],
  PodTemplate: ['', 'v1', 'podtemplates'],
  ReplicationController: ['', 'v1', 'replicationcontrollers'],
  Deployment: ['apps', 'v1', 'deployments'],
  ReplicaSet: ['apps', 'v1', 'replicasets'],
  StatefulSet: ['apps', 'v1', 'statefulsets'],
  DaemonSet: ['apps', 'v1', 'daemonsets'],
  Job: ['batch', 'v1', 'jobs'],
  CronJob: ['batch', 'v1', 'cronjobs'],
  Ingress: ['networking.k8s.io', 'v1', 'ingresses'],
  NetworkPolicy: ['networking.k8s.io', 'v1', 'networkpolicies'],
  Role: ['rbac.authorization.k8s.io', 'v1', 'roles'],
  RoleBinding: ['rbac.authorization.k8s.io', 'v1', 'rolebindings'],
  ClusterRole: ['rbac.authorization.k8s.io', 'v1', 'clusterroles'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings'],
};

export interface ReviewOptions {
  uid?: string;
  operation?: Operation;
  oldObject?: KubeObject;
  username?: string;
  groups?: string[];
  dryRun?: boolean;
  subResource?: string;
  namespace?: string;
}

/** An admission.k8s.io/v1 AdmissionReview for `object` (kind and namespace read from it). */
export function admissionReview(object: KubeObject | null, o: ReviewOptions = {}): Record<string, unknown> {
  const src = object ?? o.oldObject ?? {};
  const kind = String(src.kind ?? 'Pod');
  const apiVersion = String(src.apiVersion ?? 'v1');
  const [group, version, resource] = RESOURCES[kind] ?? [apiVersion.includes('/') ? apiVersion.split('/')[0] : '', apiVersion.split('/').pop() ?? 'v1', `${kind.toLowerCase()}s`];
  const meta = (src.metadata ?? {}) as { name?: string; namespace?: string };
  const namespace = kind === 'Namespace' ? undefined : (o.namespace ?? meta.namespace);
  const operation = o.operation ?? 'CREATE';
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: 'AdmissionReview',
    request: {
      uid: o.uid ?? '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group, version, kind: o.subResource === 'ephemeralcontainers' ? 'Pod' : kind },
      resource: { group, version, resource },
      ...(o.subResource ? { subResource: o.subResource } : {}),
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: meta.name ?? '',
      ...(namespace ? { namespace } : {}),
      operation,
      userInfo: { username: o.username ?? 'alice', uid: '1', groups: o.groups ?? ['dev-team', 'system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: o.oldObject ?? null,
      dryRun: o.dryRun ?? false,
      options: { kind: operation === 'CREATE' ? 'CreateOptions' : operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/** A container that passes every default check and PSS restricted. */
export function hardenedContainer(name: string, image = 'registry.k8s.io/pause:3.10'): Record<string, unknown> {
  return {
    name,
    image,
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
    },
  };
}

export function hardenedPodSpec(containers: number | string[] = 1): Record<string, unknown> {
  const names = typeof containers === 'number' ? Array.from({ length: containers }, (_, i) => (i === 0 ? 'app' : `c${i}`)) : containers;
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: names.map((n) => hardenedContainer(n)),
  };
}

export function pod(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name } }, spec };
}

export function deployment(name: string, namespace: string, podSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

/** The classic unhardened Deployment: no securityContext at all. */
export function unhardenedDeployment(name: string, namespace: string, image = 'registry.k8s.io/pause:3.10'): KubeObject {
  return deployment(name, namespace, { containers: [{ name: 'app', image }] });
}
