import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podTemplateResources } from './crd-pods.js';

const crd = (group: string, kind: string, schema: unknown, scope = 'Namespaced') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
});
const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const containers = { containers: { type: 'array', items: { type: 'object' } } };

test('custom resources with pod templates: typed templates, open schemas; not typed ones without', () => {
  const found = podTemplateResources([
    crd('argoproj.io', 'Rollout', obj({ spec: obj({ template: obj({ spec: obj(containers) }) }) })),
    crd('monitoring.coreos.com', 'Prometheus', obj({ spec: obj({ replicas: { type: 'integer' }, ...containers }) })),
    crd('example.com', 'Anything', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'Cluster'),
    crd('example.com', 'Loose', obj({ spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } })),
    crd('cert-manager.io', 'Certificate', obj({ spec: obj({ secretName: { type: 'string' } }), status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } })),
  ]);
  assert.deepEqual(
    found.map((f) => `${f.resource}.${f.group} ${f.namespaced ? 'ns' : 'cluster'} ${f.opaque ? 'open' : 'typed'}`),
    ['rollouts.argoproj.io ns typed', 'prometheuss.monitoring.coreos.com ns typed', 'anythings.example.com cluster open', 'looses.example.com ns open'],
  );
});
