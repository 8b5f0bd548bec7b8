import type { ObjectCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { cel } from './cel.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Pod'],
  meta: {
    id: 'WL-NAKED-POD',
    title: 'Pod is not managed by a controller',
    severity: 'low',
    category: 'reliability',
    attack: 'A bare Pod is not recreated when its node fails or it is evicted, cannot be rolled out or rolled back, and usually escapes the review and policy that cover Deployments; hand-made pods are also a common persistence trick after a compromise.',
    remediation: 'Run the pod from a Deployment, StatefulSet, DaemonSet or Job (a Job for one-off tasks).',
    references: [{ title: 'Kubernetes configuration good practices: naked Pods', url: 'https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs' }],
    peers: { kubescape: ['C-0073'] },
  },
  cel,
  *check(o) {
    if (asList(asMap(o.object.metadata)?.ownerReferences).length > 0) return; // created by a controller
    if (o.annotations['kubernetes.io/config.mirror'] !== undefined) return; // static pod mirror
    if (o.annotations['helm.sh/hook'] !== undefined) return; // Helm hooks (tests) are meant to run once
    yield { message: `Pod "${o.name}" has no controller: it is not recreated if its node fails or it is evicted`, path: ['kind'] };
  },
};
