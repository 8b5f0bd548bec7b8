import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { effectivePolicyTypes, isEmptySelector, policiesIn, policySelects, ruleAllowsAll, toPolicy } from './index.js';

function index(yaml: string): ObjectIndex {
  const r = loadText(Buffer.from(yaml), 'test.yaml');
  assert.deepEqual(r.errors, []);
  return new ObjectIndex(r.objects);
}

describe('netpol', () => {
  it('defaults policyTypes like the API server', () => {
    assert.deepEqual([...effectivePolicyTypes({})], ['Ingress']);
    assert.deepEqual([...effectivePolicyTypes({ egress: [] })], ['Ingress']);
    assert.deepEqual([...effectivePolicyTypes({ egress: [{}] })], ['Ingress', 'Egress']);
    assert.deepEqual([...effectivePolicyTypes({ policyTypes: ['Egress'], ingress: [{}] })], ['Egress']);
  });

  it('treats {} and absent selectors as select-all', () => {
    assert.ok(isEmptySelector({}));
    assert.ok(isEmptySelector(undefined));
    assert.ok(isEmptySelector({ matchLabels: {} }));
    assert.ok(!isEmptySelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }));
  });

  it('selects pods of its own (effective) namespace only', () => {
    const ix = index(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: web}}
`);
    const p = toPolicy(ix.ofKind('NetworkPolicy')[0]);
    assert.ok(p);
    assert.equal(p.namespace, 'default');
    assert.ok(policySelects(p, 'default', { app: 'web' }));
    assert.ok(!policySelects(p, 'shop', { app: 'web' }));
    assert.ok(!policySelects(p, 'default', { app: 'api' }));
  });

  it('knows allow-all rules', () => {
    assert.ok(ruleAllowsAll({}, 'Ingress'));
    assert.ok(ruleAllowsAll({ from: [] }, 'Ingress'));
    assert.ok(!ruleAllowsAll({ ports: [{ port: 53 }] }, 'Egress'));
    assert.ok(!ruleAllowsAll({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }, 'Egress'));
  });

  it('separates core policies from other engines', () => {
    const ix = index(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico, namespace: shop}
spec: {selector: all()}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: core, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: wide}
spec: {}
`);
    const shop = policiesIn(ix, 'shop');
    assert.deepEqual(shop.policies.map((p) => p.object.name), ['core']);
    assert.deepEqual(shop.foreign.map((o) => o.name).sort(), ['calico', 'wide']);
    assert.deepEqual(policiesIn(ix, 'other').foreign.map((o) => o.name), ['wide']);
  });
});
