import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../load/index.js';
import { findPodSpecs } from './pod-spec.js';
import { effective, type Resolved } from './security-context.js';
import { parseImage } from './image.js';
import { selectorMatches } from './labels.js';

const CTR = `containers: [{name: app, image: x}]`;
const docs = `
apiVersion: v1
kind: Pod
metadata: {name: pod}
spec: {${CTR}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deploy}
spec: {template: {metadata: {labels: {app: d}}, spec: {${CTR}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {${CTR}}}}}}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl}
template: {spec: {${CTR}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: rollout}
spec: {strategy: {canary: {}}, template: {spec: {${CTR}}}}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: knative}
spec: {template: {spec: {${CTR}}}}
---
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: kruise}
spec: {template: {spec: {${CTR}}}}
---
apiVersion: v1
kind: Service
metadata: {name: plain-service}
spec: {ports: [{port: 80}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: not-a-pod}
spec: {template: {spec: {containers: "abc"}}}
`;

describe('pod specs are found by shape', () => {
  const objects = loadText(Buffer.from(docs), 'shapes.yaml').objects;
  const found = Object.fromEntries(objects.map((o) => [o.name, findPodSpecs(o).map((p) => p.specPath.join('.'))]));

  it('finds Pod, templates, CronJob, PodTemplate and custom resources with pod templates', () => {
    assert.deepEqual(found, {
      pod: ['spec'],
      deploy: ['spec.template.spec'],
      cron: ['spec.jobTemplate.spec.template.spec'],
      tpl: ['template.spec'],
      rollout: ['spec.template.spec'],
      knative: ['spec.template.spec'],
      kruise: ['spec.template.spec'],
      'plain-service': [],
      'not-a-pod': [],
    });
  });

  it('a Knative Service is checked; a core Service is not', () => {
    const ks = objects.find((o) => o.name === 'knative');
    assert.ok(ks && findPodSpecs(ks)[0].containers[0].name === 'app');
  });
});

describe('effective security context', () => {
  const pod = findPodSpecs(
    loadText(
      Buffer.from(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000, runAsNonRoot: true}
  initContainers: [{name: init, image: x, securityContext: {runAsUser: 0}}]
  containers: [{name: app, image: x}]
  ephemeralContainers: [{name: dbg, image: x, securityContext: {runAsNonRoot: false, privileged: true}}]
`),
      'p.yaml',
    ).objects[0],
  )[0];
  it('covers containers, initContainers and ephemeralContainers', () => {
    assert.deepEqual(pod.containers.map((c) => `${c.kind}:${c.name}`), ['containers:app', 'initContainers:init', 'ephemeralContainers:dbg']);
  });
  it('takes the container value first, then the pod value', () => {
    const [app, init, dbg] = pod.containers;
    const plain = (r: Resolved) => ({ value: r.value, from: r.from, path: r.path });
    assert.deepEqual(plain(effective(pod, app, 'runAsUser')), { value: 1000, from: 'pod', path: ['spec', 'securityContext', 'runAsUser'] });
    assert.deepEqual(plain(effective(pod, init, 'runAsUser')), { value: 0, from: 'container', path: ['spec', 'initContainers', 0, 'securityContext', 'runAsUser'] });
    assert.equal(effective(pod, dbg, 'runAsNonRoot').value, false);
    assert.equal(effective(pod, app, 'allowPrivilegeEscalation').from, 'unset');
    // unset: the path of the container's own field, where a fix adds it
    assert.deepEqual(effective(pod, app, 'allowPrivilegeEscalation').path, ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation']);
    const r = effective(pod, app, 'runAsUser');
    assert.equal(r.path, r.path, 'built once');
  });
});

describe('helpers', () => {
  it('parses image references', () => {
    assert.deepEqual(parseImage('nginx'), { registry: undefined, repository: 'nginx', tag: undefined, digest: undefined });
    assert.deepEqual(parseImage('localhost:5000/a/b:1.2@sha256:abc'), { registry: 'localhost:5000', repository: 'a/b', tag: '1.2', digest: 'sha256:abc' });
    assert.equal(parseImage('registry.k8s.io/pause:3.9').registry, 'registry.k8s.io');
    assert.equal(parseImage('library/redis').registry, undefined);
  });
  it('label selectors follow matchLabels AND matchExpressions', () => {
    const labels = { app: 'web', tier: 'front' };
    assert.ok(selectorMatches({}, labels));
    assert.ok(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels));
    assert.ok(!selectorMatches(undefined, labels));
  });
});
