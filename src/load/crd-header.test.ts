import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crdHeaderText } from './crd-header.js';
import { parseManifestTextExact } from './documents.js';
import { parseManifestTextFast } from './fast-documents.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels: {app: widgets}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            properties:
              containers: {type: array}
status:
  acceptedNames: {kind: ""}
`;

describe('CRD header', () => {
  it('keeps every top-level entry but spec and status', () => {
    assert.equal(crdHeaderText(CRD), 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n  labels: {app: widgets}');
    assert.equal(crdHeaderText(`---\n# a comment\n${CRD}`)?.startsWith('---\n# a comment\napiVersion'), true);
    assert.equal(crdHeaderText(CRD.replace('kind: CustomResourceDefinition', 'kind: "CustomResourceDefinition" # quoted')) !== undefined, true);
  });

  it('declines anything but the plain layout, and non-CRDs', () => {
    assert.equal(crdHeaderText(CRD.replace('CustomResourceDefinition', 'ConfigMap')), undefined);
    assert.equal(crdHeaderText(`--- !!map\n${CRD}`), undefined, 'a tag on the document');
    assert.equal(crdHeaderText(`"apiVersion": v1\n${CRD.slice(CRD.indexOf('\n') + 1)}`), undefined, 'a quoted top-level key');
    assert.equal(crdHeaderText(CRD.replace('metadata:\n', 'metadata: &m\n')), undefined, 'an anchor on a top-level value');
    assert.equal(crdHeaderText('{apiVersion: v1,\nkind: CustomResourceDefinition,\nspec: {}}\n'), undefined, 'flow style');
    assert.equal(crdHeaderText('apiVersion: v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n'), undefined, 'nothing to skip');
  });

  it('loads a CRD with the same object as the exact path, parsing the body only when read', () => {
    const text = `${CRD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n`;
    const fast = parseManifestTextFast(text, 'crd.yaml');
    const exact = parseManifestTextExact(text, 'crd.yaml');
    assert.ok(fast);
    const crd = fast.objects[0];
    assert.ok(Object.getOwnPropertyDescriptor(crd, 'object')?.get, 'the body is parsed on demand');
    assert.deepEqual([crd.kind, crd.name, { ...crd.labels }], ['CustomResourceDefinition', 'widgets.example.com', { app: 'widgets' }]);
    assert.deepEqual(crd.object, exact.objects[0].object);
    assert.equal(crd.object, crd.object, 'parsed once');
    assert.deepEqual(crd.source.locate(['spec', 'versions', 0, 'schema']), exact.objects[0].source.locate(['spec', 'versions', 0, 'schema']));
    assert.deepEqual(fast.objects.map((o) => `${o.name}@${o.source.documentIndex}`), ['widgets.example.com@0', 'after@1']);
    assert.deepEqual({ ...crd }, { ...crd, object: exact.objects[0].object }, 'the object is an enumerable field like any other');
  });

  it('a header that does not parse on its own (an alias into the body) falls back to the whole document', () => {
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: &g example.com\nmetadata:\n  name: x\n  annotations: {group: *g}\n';
    const fast = parseManifestTextFast(text, 'crd.yaml');
    assert.ok(fast);
    assert.equal(Object.getOwnPropertyDescriptor(fast.objects[0], 'object')?.get, undefined);
    assert.equal(fast.objects[0].annotations.group, 'example.com');
  });

  it('a YAML error inside the skipped body is not reported (the body is never parsed by scan)', () => {
    // The documented trade-off: CRD schemas are 80% of the bytes of real manifest sets and no
    // check reads them. kubectl apply reports such an error; kubeharden scan lists the CRD.
    const broken = CRD.replace('        type: object\n', '        type: object\n       bad: [\n');
    const fast = parseManifestTextFast(broken, 'crd.yaml');
    assert.ok(fast);
    assert.deepEqual(fast.errors, []);
    assert.equal(fast.objects[0].name, 'widgets.example.com');
    assert.deepEqual(Object.keys(fast.objects[0].object), ['apiVersion', 'kind', 'metadata'], 'reading it gives the header');
  });
});
