import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { IpSet, PUBLIC_INTERNET, parseAddress, parseAddressOrCidr, parseCidr, strictSubset } from './ip.js';
import { PortSet } from './ports.js';
import { compileSelector, parseSelectorText, type SelectorProblem } from './selector.js';
import { effectivePolicyTypes, readPolicy } from './policy.js';
import { buildWorld } from './world.js';
import { canMatchOtherNamespace, parseApiServer } from './exposure.js';
import { parsePortArg } from './query.js';

function index(yaml: string): ObjectIndex {
  const r = loadText(Buffer.from(yaml), 'test.yaml');
  assert.deepEqual(r.errors, []);
  return new ObjectIndex(r.objects);
}

describe('ip', () => {
  it('parses addresses and CIDRs like the API server (sloppy IPv4, host bits masked)', () => {
    assert.equal(parseAddress('10.0.0.1')?.value, 0x0a000001n);
    assert.equal(parseAddress('010.000.000.001')?.value, 0x0a000001n);
    assert.equal(parseAddress('::ffff:10.0.0.1')?.family, 4);
    assert.equal(parseAddress('2001:db8::1')?.value, 0x20010db8000000000000000000000001n);
    assert.equal(parseAddress('1.2.3'), undefined);
    assert.equal(parseAddress('1:2:3:4:5:6:7:8:9'), undefined);
    const c = parseCidr('10.0.0.1/8')!;
    assert.equal(c.base, 0x0a000000n);
    assert.ok(c.hostBitsSet);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
    assert.equal(parseAddressOrCidr('10.0.0.7')?.prefix, 32);
  });

  it('decides strict subsets (ipBlock.except)', () => {
    const p = (s: string) => parseCidr(s)!;
    assert.ok(strictSubset(p('10.1.0.0/16'), p('10.0.0.0/8')));
    assert.ok(!strictSubset(p('10.0.0.0/8'), p('10.0.0.0/8')));
    assert.ok(!strictSubset(p('192.168.0.0/16'), p('10.0.0.0/8')));
    assert.ok(!strictSubset(p('2001:db8::/48'), p('10.0.0.0/8')));
  });

  it('computes with address sets', () => {
    const block = IpSet.block(parseCidr('10.0.0.0/8')!, [parseCidr('10.1.0.0/16')!]);
    assert.ok(block.has(parseAddress('10.2.0.1')!));
    assert.ok(!block.has(parseAddress('10.1.2.3')!));
    assert.deepEqual(block.toCidrs(), ['10.0.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
    assert.ok(!PUBLIC_INTERNET.has(parseAddress('10.0.0.1')!));
    assert.ok(!PUBLIC_INTERNET.has(parseAddress('169.254.169.254')!));
    assert.ok(PUBLIC_INTERNET.has(parseAddress('8.8.8.8')!));
    assert.ok(PUBLIC_INTERNET.has(parseAddress('2a00::1')!));
    assert.ok(IpSet.ALL.covers(PUBLIC_INTERNET));
    assert.equal(IpSet.range(6, 0n, 0n).toCidrs()[0], '::/128');
  });
});

describe('ports', () => {
  it('unions, intersects and subtracts per protocol', () => {
    const a = PortSet.range('TCP', 80, 90).union(PortSet.port('UDP', 53));
    const b = PortSet.range('TCP', 85, 100);
    assert.equal(a.intersect(b).toString(), 'TCP 85-90');
    assert.equal(a.minus(b).toString(), 'TCP 80-84; UDP 53');
    assert.equal(PortSet.ALL.minus(PortSet.protocol('TCP')).toString(), 'UDP all; SCTP all');
    assert.ok(PortSet.ALL.isAll && PortSet.NONE.isEmpty);
    assert.ok(PortSet.protocol('TCP').union(PortSet.protocol('UDP')).union(PortSet.protocol('SCTP')).isAll);
    assert.deepEqual(a.toJSON(), { TCP: ['80-90'], UDP: ['53'] });
  });
});

describe('selector', () => {
  it('validates like the API server and never grows wider on bad input', () => {
    const problems: SelectorProblem[] = [];
    const s = compileSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, ['sel'], problems);
    assert.equal(problems.length, 1);
    assert.ok(s.invalid && !s.matches({ a: 'x' }) && !s.matches({}));
    const t = compileSelector({ matchLabels: { version: 1 } }, ['sel'], (problems.length = 0, problems));
    assert.match(problems[0].message, /must be a string/);
    assert.ok(!t.matches({ version: '1' }));
  });

  it('reads kubectl selector notation', () => {
    const s = parseSelectorText('app=web,tier in (a,b),!legacy,env!=prod');
    assert.ok(s.matches({ app: 'web', tier: 'a' }));
    assert.ok(!s.matches({ app: 'web', tier: 'a', legacy: 'y' }));
    assert.ok(!s.matches({ app: 'web', tier: 'a', env: 'prod' }));
    assert.ok(s.matches({ app: 'web', tier: 'b', env: 'dev' }));
    assert.throws(() => parseSelectorText('app=(x'), /cannot read/);
  });
});

describe('policy', () => {
  it('defaults policyTypes like the API server', () => {
    assert.deepEqual([...effectivePolicyTypes({})], ['Ingress']);
    assert.deepEqual([...effectivePolicyTypes({ egress: [] })], ['Ingress']);
    assert.deepEqual([...effectivePolicyTypes({ egress: [{}] })], ['Ingress', 'Egress']);
    assert.deepEqual([...effectivePolicyTypes({ policyTypes: ['Egress'], ingress: [{}] })], ['Egress']);
  });

  it('lands in the default namespace without metadata.namespace, and reads rules', () => {
    const ix = index(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{}, {from: [], ports: [{port: 80, endPort: 90}, {port: http, protocol: UDP}]}]
`);
    const p = readPolicy(ix.ofKind('NetworkPolicy')[0])!;
    assert.equal(p.namespace, 'default');
    assert.deepEqual(p.problems, []);
    assert.equal(p.ingress[0].peers, undefined);
    assert.ok(p.ingress[0].numericPorts.isAll);
    assert.equal(p.ingress[1].peers, undefined, 'from: [] is every peer');
    assert.equal(p.ingress[1].numericPorts.toString(), 'TCP 80-90');
    assert.deepEqual(p.ingress[1].namedPorts, [{ name: 'http', protocol: 'UDP' }]);
  });
});

describe('world', () => {
  it('gives namespaces their name label and separates hostNetwork pods and other engines', () => {
    const w = buildWorld(
      index(`apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a, kubernetes.io/metadata.name: forged}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}, {containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: mon}
spec: {hostNetwork: true, containers: [{name: c, image: i}]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: wide}
spec: {}
`),
    );
    assert.deepEqual(w.namespace('shop').labels, { team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    assert.deepEqual(w.namespace('mon').labels, { 'kubernetes.io/metadata.name': 'mon' });
    assert.equal(w.namespace('mon').declared, false);
    assert.deepEqual(w.pods.map((p) => p.ports), [[{ name: 'http', port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]]);
    assert.deepEqual(w.hostNetworkPods.map((p) => p.workload.name), ['agent']);
    assert.deepEqual(w.foreignFor('anything').map((f) => f.object.name), ['wide']);
  });
});

describe('ownership', () => {
  it('folds the pods of a cluster dump into their Deployment, and does not count its templates again', () => {
    const w = buildWorld(
      index(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-5d8f, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]}
spec: {template: {metadata: {labels: {app: web, pod-template-hash: 5d8f}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-5d8f-a, namespace: shop, labels: {app: web, pod-template-hash: 5d8f}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, controller: true}]}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.244.0.7}
---
apiVersion: v1
kind: Pod
metadata: {name: job-x, namespace: shop, ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-123, controller: true}]}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: i}]}}}
`),
    );
    assert.deepEqual(
      w.pods.map((p) => [p.workload.kind, p.workload.name, p.podName ?? '-', p.ip ? 'ip' : '-']),
      [
        ['Deployment', 'web', 'web-5d8f-a', 'ip'],
        ['Job', 'nightly-123', 'job-x', '-'],
        ['Deployment', 'api', '-', '-'],
      ],
    );
  });
});

describe('exposure helpers', () => {
  it('knows when a namespace selector can admit another namespace', () => {
    const sel = (s: unknown) => compileSelector(s, [], []);
    assert.ok(!canMatchOtherNamespace(sel({ matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }), 'shop'));
    assert.ok(canMatchOtherNamespace(sel({ matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }), 'shop'));
    assert.ok(!canMatchOtherNamespace(sel({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] }), 'shop'));
    assert.ok(!canMatchOtherNamespace(sel({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'DoesNotExist' }] }), 'shop'));
    assert.ok(canMatchOtherNamespace(sel({ matchLabels: { team: 'a' } }), 'shop'));
    assert.ok(!canMatchOtherNamespace(sel({ matchLabels: { team: 'a' }, matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] }), 'shop'));
  });

  it('parses --api-server and --port', () => {
    assert.deepEqual(parseApiServer('10.0.0.1:6443'), { addresses: [{ family: 4, value: 0x0a000001n }], ports: [6443] });
    assert.deepEqual(parseApiServer('[fd00::1]:443'), { addresses: [{ family: 6, value: 0xfd000000000000000000000000000001n }], ports: [443] });
    assert.equal(typeof parseApiServer('fd00::1:443'), 'object', 'a bare IPv6 address has no port');
    assert.match(parseApiServer('nope') as string, /expected an IP address/);
    assert.deepEqual(parsePortArg('53/udp'), { text: '53/udp', protocol: 'UDP', port: 53 });
    assert.deepEqual(parsePortArg('http'), { text: 'http', protocol: 'TCP', port: 'http' });
    assert.throws(() => parsePortArg('70000'), /between 1 and 65535/);
  });
});
