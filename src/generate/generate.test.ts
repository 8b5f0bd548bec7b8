import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseManifestText } from '../load/documents.js';
import { selectorMatches } from '../k8s/labels.js';
import { auditLevelFor, auditRules, generateAuditPolicy } from './audit-policy.js';
import { ConnectivityError, parseAllow, parseConnectivityText } from './connectivity.js';
import { emitYaml } from './emit.js';
import { DEFAULT_QUOTA, generateNamespace, parseQuota } from './namespace.js';
import { generateNetworkPolicies, NetworkPolicyError } from './networkpolicies.js';
import { planServiceAccounts } from './serviceaccounts.js';

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend, version: v1}}
    spec:
      containers: [{name: web, image: "web:1", ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      serviceAccountName: cart
      containers: [{name: cart, image: "cart:1"}]
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{port: 80, targetPort: 7070}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: frontend}
  ports: [{port: 443, targetPort: http}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
`;

const objects = () => parseManifestText(APP, 'app.yaml').objects;

interface Np {
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: { podSelector: Record<string, unknown>; policyTypes: string[]; ingress?: Array<{ from?: unknown[]; ports: unknown[] }>; egress?: Array<{ to?: unknown[]; ports: unknown[] }> };
}

function policies(opts: Parameters<typeof generateNetworkPolicies>[1]): Map<string, Np> {
  const r = generateNetworkPolicies(objects(), opts);
  return new Map(r.policies.map((p) => [(p.object as unknown as Np).metadata.name, p.object as unknown as Np]));
}

describe('connectivity', () => {
  test('--allow grammar', () => {
    assert.deepEqual(parseAllow('frontend->cart:7070'), { from: { type: 'named', name: 'frontend' }, to: { type: 'named', name: 'cart' }, ports: [{ port: 7070, protocol: 'TCP' }], source: 'frontend->cart:7070' });
    assert.deepEqual(parseAllow('*->shop/web:http,8443/tcp').ports, [{ port: 'http', protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }]);
    assert.deepEqual(parseAllow('cart->cidr:10.0.0.0/8:5432').to, { type: 'cidr', cidr: '10.0.0.0/8' });
    assert.deepEqual(parseAllow('ns:monitoring->cart:9090').from, { type: 'namespace', namespace: 'monitoring' });
    for (const bad of ['frontend', 'a->b', 'a->cidr:10.0.0.0/8', 'a->b:0', 'a->b:80/ICMP', 'A->b:80', 'a->cidr:nope:80']) {
      assert.throws(() => parseAllow(bad), ConnectivityError, bad);
    }
  });

  test('connectivity file: objects and shorthand strings, validated', () => {
    const rules = parseConnectivityText(
      `apiVersion: kubeharden.io/v1alpha1\nkind: Connectivity\nallow:\n  - {from: frontend, to: cart, ports: [80], protocol: TCP}\n  - "cart->cidr:10.1.0.0/16:5432"\n`,
      'c.yaml',
    );
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[0].ports, [{ port: 80, protocol: 'TCP' }]);
    assert.throws(() => parseConnectivityText('kind: Connectivity\nallow: []\n', 'c.yaml'), /apiVersion/);
    assert.throws(() => parseConnectivityText('apiVersion: kubeharden.io/v1alpha1\nkind: Connectivity\nallow:\n  - {from: a, to: b, port: 80}\n', 'c.yaml'), /allow\.0/);
  });
});

describe('generate networkpolicies', () => {
  test('per namespace: default deny both ways and DNS to kube-dns', () => {
    const p = policies({});
    assert.deepEqual([...p.keys()], ['default-deny-ingress', 'default-deny-egress', 'allow-dns-egress']);
    assert.deepEqual(p.get('default-deny-ingress')?.spec, { podSelector: {}, policyTypes: ['Ingress'] });
    assert.deepEqual(p.get('default-deny-egress')?.spec, { podSelector: {}, policyTypes: ['Egress'] });
    const dns = p.get('allow-dns-egress');
    assert.deepEqual(dns?.spec.egress?.[0].ports, [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    assert.equal(dns?.metadata.namespace, 'shop');
    assert.equal(dns?.metadata.labels['app.kubernetes.io/managed-by'], 'kubeharden');
  });

  test('--allow opens one connection both ways; a Service port becomes its targetPort', () => {
    const p = policies({ allow: [parseAllow('frontend->cart:80')] });
    const ing = p.get('allow-ingress-cart');
    assert.deepEqual(ing?.spec.podSelector, { matchLabels: { app: 'cart' } });
    assert.deepEqual(ing?.spec.ingress, [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 7070 }] }]);
    const eg = p.get('allow-egress-frontend');
    assert.deepEqual(eg?.spec.egress, [{ to: [{ podSelector: { matchLabels: { app: 'cart' } } }], ports: [{ protocol: 'TCP', port: 7070 }] }]);
  });

  test('peers outside: any source, a namespace, a CIDR', () => {
    const p = policies({ allow: [parseAllow('*->frontend:http'), parseAllow('ns:monitoring->cart:9090'), parseAllow('cart->cidr:10.1.0.0/16:5432')] });
    assert.deepEqual(p.get('allow-ingress-frontend')?.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 'http' }] }]);
    assert.deepEqual(p.get('allow-ingress-cart')?.spec.ingress?.[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    assert.deepEqual(p.get('allow-egress-cart')?.spec.egress?.[0].to, [{ ipBlock: { cidr: '10.1.0.0/16' } }]);
  });

  test('Service-implied rules: ClusterIP from the namespace, LoadBalancer from anywhere, egress for every pod', () => {
    const p = policies({ fromServices: true });
    assert.deepEqual(p.get('allow-ingress-cart')?.spec.ingress, [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 7070 }] }]);
    assert.deepEqual(p.get('allow-ingress-web')?.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 'http' }] }]);
    const all = p.get('allow-egress-all-pods');
    assert.deepEqual(all?.spec.podSelector, {});
    assert.equal(all?.spec.egress?.length, 2);
  });

  test('every generated selector selects the pods it was made for', () => {
    const p = policies({ fromServices: true, allow: [parseAllow('frontend->cart:80')] });
    const labels = { app: 'cart' };
    const forCart = [...p.values()].filter((x) => x.metadata.name.startsWith('allow-ingress') && selectorMatches(x.spec.podSelector, labels));
    assert.deepEqual(forCart.map((x) => x.metadata.name), ['allow-ingress-cart']);
    // Rules for one selector are merged into one policy.
    assert.equal(forCart[0].spec.ingress?.length, 2);
  });

  test('unknown names are errors, not silent holes', () => {
    assert.throws(() => generateNetworkPolicies(objects(), { allow: [parseAllow('frontend->nope:80')] }), NetworkPolicyError);
    assert.throws(() => generateNetworkPolicies(objects(), { allow: [parseAllow('*->cidr:10.0.0.0/8:80')] }), /neither end/);
  });

  test('output is deterministic YAML that parses back to the same objects', () => {
    const a = emitYaml(generateNetworkPolicies(objects(), { fromServices: true }).policies);
    const b = emitYaml(generateNetworkPolicies(objects(), { fromServices: true }).policies);
    assert.equal(a, b);
    const docs = parseAllDocuments(a).map((d) => d.toJS() as Np);
    assert.ok(docs.every((d) => d.metadata.namespace === 'shop'));
  });
});

describe('generate serviceaccounts', () => {
  test('workloads on default get their own account; defined accounts lose the token', () => {
    const plan = planServiceAccounts(objects());
    assert.deepEqual(plan.serviceAccounts.map((s) => s.object), [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'frontend', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'kubeharden' } }, automountServiceAccountToken: false },
    ]);
    const wiring = plan.edits.find((e) => e.object.name === 'frontend');
    assert.deepEqual(wiring?.ops, [{ op: 'set', path: ['spec', 'template', 'spec', 'serviceAccountName'], value: 'frontend', overwrite: true }]);
    const sa = plan.edits.find((e) => e.object.kind === 'ServiceAccount');
    assert.deepEqual(sa?.ops, [{ op: 'set', path: ['automountServiceAccountToken'], value: false }]);
  });

  test('accounts bound to roles keep their token', () => {
    const text = APP + `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: cart, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects: [{kind: ServiceAccount, name: cart}]\n`;
    const plan = planServiceAccounts(parseManifestText(text, 'a.yaml').objects);
    assert.equal(plan.edits.filter((e) => e.object.kind === 'ServiceAccount').length, 0);
    assert.match(plan.notes.join('\n'), /cart is bound/);
  });
});

describe('generate namespace', () => {
  test('PSA labels, default deny, LimitRange and ResourceQuota', () => {
    const objs = generateNamespace('shop', { pss: 'restricted', pssVersion: 'v1.35' }).map((g) => g.object as { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: { hard?: Record<string, string> } });
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), [
      'Namespace/shop',
      'NetworkPolicy/default-deny-ingress',
      'NetworkPolicy/default-deny-egress',
      'NetworkPolicy/allow-dns-egress',
      'LimitRange/container-defaults',
      'ResourceQuota/namespace-quota',
    ]);
    const labels = objs[0].metadata.labels ?? {};
    assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted');
    assert.equal(labels['pod-security.kubernetes.io/enforce-version'], 'v1.35');
    assert.equal(labels['pod-security.kubernetes.io/warn'], 'restricted');
    assert.equal(labels['pod-security.kubernetes.io/audit-version'], 'latest');
    assert.deepEqual(objs[5].spec?.hard, DEFAULT_QUOTA);
  });

  test('--quota overrides and aliases; bad quantities are refused', () => {
    assert.deepEqual(parseQuota(['cpu=8,memory=32Gi', 'pods=100']), { 'requests.cpu': '8', 'requests.memory': '32Gi', pods: '100' });
    assert.throws(() => parseQuota(['cpu=lots']), /quantity/);
    const q = generateNamespace('x', { quota: { pods: '10' } }).find((g) => g.object.kind === 'ResourceQuota')?.object as { spec: { hard: Record<string, string> } };
    assert.equal(q.spec.hard.pods, '10');
    assert.equal(generateNamespace('x', { quota: false, limits: false, networkPolicies: false }).length, 1);
  });
});

describe('generate audit-policy', () => {
  const rules = auditRules();
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

  test('secrets, configmaps, tokens and token reviews: never more than Metadata, for anyone', () => {
    for (const [group, resource] of [['', 'secrets'], ['', 'configmaps'], ['', 'serviceaccounts/token'], ['authentication.k8s.io', 'tokenreviews']]) {
      for (const verb of verbs) {
        for (const user of ['alice', 'system:kube-controller-manager', 'system:kube-proxy']) {
          assert.equal(auditLevelFor(rules, { user, groups: ['system:authenticated', 'system:nodes'], verb, group, resource, namespace: 'kube-system' }), 'Metadata', `${verb} ${resource} by ${user}`);
        }
      }
    }
  });

  test('security changes get full bodies; reads get metadata; custom resources metadata only; noise is dropped', () => {
    const lvl = (verb: string, group: string, resource: string) => auditLevelFor(rules, { user: 'alice', verb, group, resource, namespace: 'shop' });
    assert.equal(lvl('create', 'rbac.authorization.k8s.io', 'clusterrolebindings'), 'RequestResponse');
    assert.equal(lvl('patch', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'), 'RequestResponse');
    assert.equal(lvl('create', '', 'pods'), 'Request');
    assert.equal(lvl('create', '', 'pods/exec'), 'Metadata');
    assert.equal(lvl('get', 'apps', 'deployments'), 'Metadata');
    assert.equal(lvl('create', 'bitnami.com', 'sealedsecrets'), 'Metadata');
    assert.equal(lvl('create', '', 'events'), 'None');
    assert.equal(auditLevelFor(rules, { user: 'alice', verb: 'get', nonResourceURL: '/healthz/etcd' }), 'None');
    assert.equal(auditLevelFor(rules, { user: 'alice', verb: 'get', nonResourceURL: '/apis' }), 'Metadata');
  });

  test('no rule above Metadata can ever match a secret (order-independent check)', () => {
    for (const r of rules) {
      if (r.level !== 'Request' && r.level !== 'RequestResponse') continue;
      for (const gr of r.resources ?? [{ group: '' }]) {
        if (gr.group !== '') continue;
        // A core-group rule with bodies must be shadowed by the Metadata rule for secrets.
        const idx = rules.indexOf(r);
        assert.ok(idx > 0 && rules[0].level === 'Metadata' && rules[0].resources?.[0].resources?.includes('secrets'));
      }
    }
    const obj = generateAuditPolicy().object as { apiVersion: string; kind: string; omitStages: string[] };
    assert.equal(obj.apiVersion, 'audit.k8s.io/v1');
    assert.deepEqual(obj.omitStages, ['RequestReceived']);
  });
});
