import type { PodCheck } from '../../engine/types.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { isMap } from '../../k8s/json.js';
import { PROBES } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

/** Pods that run to completion (or are not managed by a controller): liveness and readiness make no sense there. */
function runsToCompletion(pod: PodTarget): string | undefined {
  const kind = pod.owner.kind;
  if (kind === 'Pod') return 'a bare Pod';
  if (kind === 'Job' || kind === 'CronJob' || pod.specPath.includes('jobTemplate')) return 'a Job';
  const rp = pod.spec.restartPolicy;
  if (rp === 'Never' || rp === 'OnFailure') return `restartPolicy ${rp}`;
  return undefined;
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'REL-PROBES',
    title: 'Long-running container has no liveness or readiness probe',
    severity: 'low',
    category: 'reliability',
    attack: 'Without a readiness probe a Service sends traffic to pods that cannot answer yet and rollouts proceed before new pods work; without a liveness probe a hung (or subverted) process keeps its pod "Running" forever instead of being restarted.',
    remediation: 'Add a readinessProbe that checks the container can serve, and a livenessProbe that checks only the process itself (not its dependencies), with a startupProbe for slow starts.',
    references: [PROBES],
    peers: { checkov: ['CKV_K8S_8', 'CKV_K8S_9'], kubeLinter: ['no-liveness-probe', 'no-readiness-probe'], kubeScore: ['pod-probes'], polaris: ['livenessProbeMissing', 'readinessProbeMissing'], kubescape: ['C-0056', 'C-0018'] },
  },
  cel,
  *check(pod) {
    if (runsToCompletion(pod)) return;
    // Knative Serving adds a readiness probe itself when the container has none.
    const knative = pod.owner.apiVersion.startsWith('serving.knative.dev/');
    // Init containers (even restartable sidecars) and ephemeral containers are not required to have probes.
    for (const c of pod.containers) {
      if (c.kind !== 'containers') continue;
      if (!isMap(c.spec.livenessProbe)) {
        yield containerFinding(c, `${describeContainer(c)} has no livenessProbe: a hung process is never restarted`, [...c.path, 'livenessProbe']);
      }
      if (!isMap(c.spec.readinessProbe) && !knative) {
        yield containerFinding(c, `${describeContainer(c)} has no readinessProbe: it receives traffic and counts as available before it can serve`, [...c.path, 'readinessProbe']);
      }
    }
  },
};
