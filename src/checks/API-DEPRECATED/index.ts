import type { ObjectCheck, Severity } from '../../engine/types.js';
import { DEPRECATION_GUIDE, PSA_MIGRATION } from '../_lib/references.js';
import { K8S_VERSION_SETTING } from '../_lib/settings.js';

interface Removal {
  /** apiVersion as written (group/version, or version for the core group). */
  apiVersion: string;
  /** Kinds affected; '*' for every kind of that group/version. */
  kinds: readonly string[] | '*';
  /** Minor version of Kubernetes 1.x that stopped serving it. */
  removedIn: number;
  /** The apiVersion to use instead; undefined when there is no replacement. */
  replacement?: string;
  /** True when only apiVersion has to change (same schema): then a fix is offered. */
  rename?: boolean;
  note?: string;
}

/** From the Kubernetes Deprecated API Migration Guide (and release notes for alpha versions). */
export const REMOVALS: readonly Removal[] = [
  // v1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], removedIn: 16, replacement: 'apps/v1', note: 'apps/v1 requires spec.selector and it must match the template labels' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: 16, replacement: 'networking.k8s.io/v1', rename: true },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 16, note: 'PodSecurityPolicy was removed entirely in 1.25: use Pod Security Admission (namespace labels pod-security.kubernetes.io/enforce)' },
  { apiVersion: 'apps/v1beta1', kinds: '*', removedIn: 16, replacement: 'apps/v1', note: 'apps/v1 requires spec.selector' },
  { apiVersion: 'apps/v1beta2', kinds: '*', removedIn: 16, replacement: 'apps/v1', note: 'apps/v1 requires spec.selector' },
  // v1.20 (alpha)
  { apiVersion: 'settings.k8s.io/v1alpha1', kinds: ['PodPreset'], removedIn: 20, note: 'PodPreset has no replacement; use a mutating admission policy or Helm/Kustomize' },
  // v1.22
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: 22, replacement: 'networking.k8s.io/v1', note: 'backend.serviceName/servicePort become backend.service.name/port, and pathType is required' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress'], removedIn: 22, replacement: 'networking.k8s.io/v1', note: 'backend.serviceName/servicePort become backend.service.name/port, and pathType is required' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['IngressClass'], removedIn: 22, replacement: 'networking.k8s.io/v1', rename: true },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: 22, replacement: 'admissionregistration.k8s.io/v1', note: 'v1 requires sideEffects and admissionReviewVersions, and defaults failurePolicy to Fail' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: 22, replacement: 'apiextensions.k8s.io/v1', note: 'v1 requires a structural schema per version' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: 22, replacement: 'apiregistration.k8s.io/v1', rename: true },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: 22, replacement: 'authentication.k8s.io/v1', rename: true },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'], removedIn: 22, replacement: 'authorization.k8s.io/v1', note: 'spec.group becomes spec.groups' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: 22, replacement: 'certificates.k8s.io/v1', note: 'v1 requires spec.signerName' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: 22, replacement: 'coordination.k8s.io/v1', rename: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: '*', removedIn: 22, replacement: 'rbac.authorization.k8s.io/v1', rename: true },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: 22, replacement: 'scheduling.k8s.io/v1', rename: true },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: 22, replacement: 'storage.k8s.io/v1', rename: true },
  // v1.23 (alpha)
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: '*', removedIn: 23, replacement: 'rbac.authorization.k8s.io/v1', rename: true },
  { apiVersion: 'scheduling.k8s.io/v1alpha1', kinds: '*', removedIn: 23, replacement: 'scheduling.k8s.io/v1', rename: true },
  // v1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: 25, replacement: 'batch/v1', rename: true },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: 25, replacement: 'discovery.k8s.io/v1', note: 'topology becomes deprecatedTopology / nodeName / zone' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: 25, replacement: 'events.k8s.io/v1', note: 'type is limited to Normal and Warning' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: 25, replacement: 'autoscaling/v2', note: 'metric targets move under target: (targetAverageUtilization becomes target.averageUtilization)' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: 25, replacement: 'policy/v1', note: 'in policy/v1 an empty selector selects every pod of the namespace' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 25, note: 'PodSecurityPolicy has no successor API: enforce the Pod Security Standards with Pod Security Admission (namespace labels pod-security.kubernetes.io/enforce) or a policy engine' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: 25, replacement: 'node.k8s.io/v1', rename: true },
  // v1.26
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 26, replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: 26, replacement: 'autoscaling/v2', rename: true },
  // v1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: 27, replacement: 'storage.k8s.io/v1', rename: true },
  // v1.29
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 29, replacement: 'flowcontrol.apiserver.k8s.io/v1', note: 'assuredConcurrencyShares becomes nominalConcurrencyShares' },
  // v1.31 (alpha): dynamic resource allocation was redesigned
  { apiVersion: 'resource.k8s.io/v1alpha2', kinds: '*', removedIn: 31, replacement: 'resource.k8s.io/v1', note: 'the classic DRA API was replaced by structured parameters (ResourceClass became DeviceClass)' },
  // v1.32
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: 32, replacement: 'flowcontrol.apiserver.k8s.io/v1', note: 'an explicit nominalConcurrencyShares of 0 is no longer changed to 30' },
];

export function findRemoval(apiVersion: string, kind: string): Removal | undefined {
  return REMOVALS.find((r) => r.apiVersion === apiVersion && (r.kinds === '*' || r.kinds.includes(kind)));
}

const settings = { k8sVersion: K8S_VERSION_SETTING };

export const check: ObjectCheck<typeof settings> = {
  scope: 'object',
  kinds: '*',
  meta: {
    id: 'API-DEPRECATED',
    title: 'Object uses an API version that Kubernetes no longer serves',
    severity: 'low',
    category: 'api',
    attack: 'The API server rejects removed API versions, so the manifest fails at apply time (often during an upgrade, under time pressure); old versions also carry old defaults, and PodSecurityPolicy objects give a false impression of enforcement on clusters that ignore them.',
    remediation: 'Move to the replacement apiVersion from the Kubernetes deprecation guide (kubectl convert helps); replace PodSecurityPolicy with Pod Security Admission. Set the target cluster version with --set k8sVersion=1.N to rate objects the target rejects as medium.',
    references: [DEPRECATION_GUIDE, PSA_MIGRATION],
    peers: { kubeLinter: ['no-extensions-v1beta'], kubeScore: ['stable-version'], trivy: ['KSV107'] },
  },
  settings,
  cel: { form: 'unsupported', reason: 'admission only sees API versions the cluster serves; a removed version is refused by the API server itself before any policy runs' },
  *check(o, ctx) {
    const r = findRemoval(o.apiVersion, o.kind);
    if (!r) return;
    // The minor the target cluster runs ('latest' names none).
    const target = ctx.settings.k8sVersion === undefined || ctx.settings.k8sVersion === 'latest' ? undefined : ctx.settings.k8sVersion.minor;
    const breaks = target !== undefined && r.removedIn <= target;
    const severity: Severity = breaks ? 'medium' : 'low';
    const use = r.replacement ? `use ${r.replacement}${r.note ? ` (${r.note})` : ''}` : (r.note ?? 'it has no replacement API');
    const msg = `${o.apiVersion} ${o.kind} was removed in Kubernetes 1.${r.removedIn}; ${use}${breaks && target ? `; the target version 1.${target} rejects it` : ''}`;
    yield {
      message: msg,
      path: ['apiVersion'],
      severity,
      ...(r.rename && r.replacement ? { fix: { description: `set apiVersion to ${r.replacement}`, ops: [{ op: 'set' as const, path: ['apiVersion'], value: r.replacement, overwrite: true }] } } : {}),
    };
  },
};
