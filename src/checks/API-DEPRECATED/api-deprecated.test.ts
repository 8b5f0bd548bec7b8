import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { findRemoval, REMOVALS } from './index.js';
import { ALL_CHECKS } from '../registry.js';

function scan(yaml: string, settings: Record<string, unknown>) {
  const r = loadText(Buffer.from(yaml), 't.yaml');
  return scanObjects(r.objects, { checks: ALL_CHECKS, only: ['API-DEPRECATED'], settings }).findings;
}

const CRONJOB = `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: c, namespace: n}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: a:1}]}}}}}
`;

describe('API-DEPRECATED', () => {
  it('has a replacement for every pure rename and no duplicates', () => {
    const seen = new Set<string>();
    for (const r of REMOVALS) {
      if (r.rename) assert.ok(r.replacement, r.apiVersion);
      for (const k of r.kinds === '*' ? ['*'] : r.kinds) {
        const key = `${r.apiVersion} ${k}`;
        assert.ok(!seen.has(key), key);
        seen.add(key);
      }
    }
  });

  it('matches by apiVersion and kind', () => {
    assert.equal(findRemoval('extensions/v1beta1', 'Ingress')?.removedIn, 22);
    assert.equal(findRemoval('extensions/v1beta1', 'Deployment')?.removedIn, 16);
    assert.equal(findRemoval('apps/v1beta2', 'StatefulSet')?.removedIn, 16);
    assert.equal(findRemoval('policy/v1beta1', 'PodSecurityPolicy')?.replacement, undefined);
    assert.equal(findRemoval('networking.k8s.io/v1', 'Ingress'), undefined);
    assert.equal(findRemoval('example.com/v1beta1', 'Widget'), undefined);
  });

  it('rates by the target version', () => {
    assert.equal(scan(CRONJOB, {})[0].severity, 'low');
    assert.equal(scan(CRONJOB, { k8sVersion: '1.24' })[0].severity, 'low');
    assert.equal(scan(CRONJOB, { k8sVersion: 'v1.25.3' })[0].severity, 'medium');
    // YAML \`1.30\` arrives as the number 1.3: every check reads k8sVersion through one parser, which refuses it.
    assert.throws(() => scan(CRONJOB, { k8sVersion: 1.3 }), /k8sVersion must be a string .*quote it in YAML/);
  });

  it('offers a fix only for pure renames', () => {
    const f = scan(CRONJOB, {})[0];
    assert.deepEqual(f.fix?.ops, [{ op: 'set', path: ['apiVersion'], value: 'batch/v1', overwrite: true }]);
  });
});
