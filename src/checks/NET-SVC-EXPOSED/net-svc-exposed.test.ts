import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../load/index.js';
import { scanObjects } from '../../engine/scan.js';
import { ALL_CHECKS } from '../registry.js';

function scan(yaml: string) {
  const r = loadText(Buffer.from(yaml), 't.yaml');
  return scanObjects(r.objects, { checks: ALL_CHECKS, only: ['NET-SVC-EXPOSED'] }).findings.map((f) => `${f.object.namespace}/${f.object.name} ${f.severity}`);
}

const service = (name: string, ns: string, app: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {type: LoadBalancer, selector: {app: ${app}}, ports: [{port: 443}]}
---
`;
const deployment = (name: string, ns: string, app: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec: {containers: [{name: c, image: ${image}}]}
---
`;

describe('NET-SVC-EXPOSED: ingress/gateway controllers', () => {
  it('rates only the Service that selects a controller pod of its own namespace as info', () => {
    const yaml =
      deployment('controller', 'edge', 'ingress', 'registry.k8s.io/ingress-nginx/controller:v1.12.1') +
      deployment('shop', 'edge', 'shop', 'ghcr.io/acme/shop:1.0') +
      service('ingress', 'edge', 'ingress') + // selects the controller
      service('shop', 'edge', 'shop') + // same namespace, another app
      service('ingress', 'other', 'ingress'); // same selector, no controller in its namespace
    assert.deepEqual(scan(yaml).sort(), ['edge/ingress info', 'edge/shop medium', 'other/ingress medium']);
  });

  it('finds the one controller Service among many Services and pods (controller pods indexed once per scan)', () => {
    // 2,000 ordinary pods and 500 exposed Services: matching each Service against every pod
    // (2,000 × 500 selector tests) is what made a 1 GB scan spend 40% of its time here.
    let yaml = deployment('controller', 'edge', 'ingress', 'traefik:v3.1');
    for (let i = 0; i < 2000; i++) yaml += deployment(`app${i}`, 'edge', `app${i}`, `ghcr.io/acme/app${i}:1`);
    for (let i = 0; i < 500; i++) yaml += service(`svc${i}`, 'edge', `app${i}`);
    yaml += service('ingress', 'edge', 'ingress');
    const found = scan(yaml);
    assert.equal(found.length, 501);
    assert.equal(found.filter((f) => f.endsWith(' info')).length, 1);
  });
});
