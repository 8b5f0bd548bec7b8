import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'SEC-DUP-ENV',
    title: 'Environment variable defined more than once in a container',
    severity: 'low',
    category: 'secrets',
    attack: 'When a name appears twice in env, the last entry silently wins. A reviewer who reads the first one (say, a value from a Secret) approves a manifest whose effective value is the second (say, a literal or a different Secret); Helm value merges produce this by accident.',
    remediation: 'Keep one entry per name; remove the earlier definition.',
    references: [{ title: 'Define Environment Variables for a Container', url: 'https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/' }],
    peers: { kubeLinter: ['duplicate-env-var'], kubeScore: ['environment-variable-key-duplication'], kubescape: ['C-0295'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const first = new Map<string, number>();
      const dups: Array<{ name: string; prev: number; i: number }> = [];
      asList(c.spec.env).forEach((e, i) => {
        const name = asString(asMap(e)?.name);
        if (name === undefined) return;
        const prev = first.get(name);
        if (prev === undefined) first.set(name, i);
        else dups.push({ name, prev, i });
      });
      for (const d of dups) {
        yield containerFinding(c, `${describeContainer(c)}: env "${d.name}" is defined again at env[${d.i}] (first at env[${d.prev}]); the last definition wins`, [...c.path, 'env', d.i, 'name']);
      }
    }
  },
};
