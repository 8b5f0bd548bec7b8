/**
 * Cross-object checks that remember per scan what they compare with (the pod labels of a
 * namespace's pods, the description of an account's bindings) must read as if they compared
 * every object: counts include repeated pods, and every pod of an account names its bindings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { ALL_CHECKS } from '../registry.js';

function scan(yaml: string, only: string[]) {
  const loaded = loadText(Buffer.from(yaml), 'set.yaml');
  assert.deepEqual(loaded.errors, []);
  return scanObjects(loaded.objects, { checks: ALL_CHECKS, only, now: new Date('2026-01-01') }).findings;
}

const deployment = (name: string, app: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}${extra}}}
    spec:
      containers: [{name: c, image: registry.example/app:1.0}]
`;

describe('checks over repeated pods and bindings', () => {
  it('NET-NETPOL-DANGLING counts every pod template and matches peers against the labels of each', () => {
    const yaml = [
      deployment('web-1', 'web'),
      deployment('web-2', 'web'),
      deployment('web-3', 'web', ', tier: front'),
      deployment('db', 'db'),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  podSelector: {matchLabels: {app: wbe}}
  ingress:
  - from:
    - podSelector: {matchLabels: {tier: front}}
    - podSelector: {matchLabels: {app: nothing}}
`,
    ].join('---\n');
    const messages = scan(yaml, ['NET-NETPOL-DANGLING']).map((f) => f.message);
    assert.deepEqual(messages, [
      'podSelector of NetworkPolicy "typo" matches none of the 4 pod template(s) of namespace "shop" in the scanned set: it may protect nothing (a label typo?)',
      'ingress peer podSelector of NetworkPolicy "typo" matches no pod template of namespace "shop" in the scanned set: this rule may allow nothing',
    ]);
  });

  it('SA-AUTOMOUNT and SA-DEFAULT-USED name the same bindings for every pod of the account', () => {
    const binding = (i: number) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-${i}, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
`;
    const yaml = [deployment('web-1', 'web'), deployment('web-2', 'web'), ...[1, 2, 3, 4, 5].map(binding), binding(2)].join('---\n');
    const findings = scan(yaml, ['SA-AUTOMOUNT', 'SA-DEFAULT-USED']);
    const bound = 'RoleBinding "rb-1", RoleBinding "rb-2", RoleBinding "rb-3" and 2 more';
    assert.deepEqual(
      findings.map((f) => `${f.check} ${f.object.name}: ${f.message.includes(bound)}`).sort(),
      ['SA-AUTOMOUNT web-1: true', 'SA-AUTOMOUNT web-2: true', 'SA-DEFAULT-USED web-1: true', 'SA-DEFAULT-USED web-2: true'],
    );
  });
});
