import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadText } from '../load/index.js';
import { prepareRun, scanObjects } from '../engine/scan.js';
import { REPORTERS, type ReportInput } from './index.js';
import { ALL_CHECKS } from '../checks/registry.js';

const require = createRequire(import.meta.url);
// A CommonJS module whose default export NodeNext typing does not see as a class.
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
// The official SARIF 2.1.0 (rtm.5) schema, shipped in a Microsoft package (dev dependency).
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    ignore.kubeharden.io/IMG-TAG: "pinned by the release pipeline"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: nginx:latest
          env: [{name: API_TOKEN, value: "s3cr3t-value-never-shown"}]
---
apiVersion: v1
kind: Pod
metadata: {name: "x<&>\\"'y"}
spec:
  containers: [{name: c, image: "a"}]
`;

function input(): ReportInput {
  const loaded = loadText(Buffer.from(MANIFEST), 'deploy/web.yaml');
  const run = prepareRun({ checks: ALL_CHECKS });
  const result = scanObjects(loaded.objects, { run });
  return { ...result, errors: [{ file: 'broken.yaml', line: 3, column: 5, message: 'invalid YAML: x' }], checks: run.checks, failOn: 'high', toolVersion: '0.1.0' };
}

describe('reports', () => {
  it('SARIF validates against the official 2.1.0 schema, with rules, help text and exact regions', () => {
    const text = REPORTERS.sarif(input());
    // The schema's language-tag pattern is not valid in unicode mode.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(SARIF_SCHEMA);
    assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const log = JSON.parse(text);
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.length >= 10);
    assert.ok(run.tool.driver.rules.every((r: { help: { text: string } }) => r.help.text.length > 20));
    const hostNet = run.results.find((r: { ruleId: string }) => r.ruleId === 'POD-HOST-NETWORK');
    assert.deepEqual(hostNet.locations[0].physicalLocation.region, { startLine: 13, startColumn: 7, endLine: 13, endColumn: 24 });
    assert.equal(hostNet.locations[0].physicalLocation.artifactLocation.uri, 'deploy/web.yaml');
    const suppressed = run.results.find((r: { ruleId: string }) => r.ruleId === 'IMG-TAG');
    assert.equal(suppressed.suppressions[0].justification, 'pinned by the release pipeline');
  });

  it('JUnit is well-formed: one suite per check, escaped attributes, errors as errors', () => {
    const xml = REPORTERS.junit(input());
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.match(xml, /<testsuite name="POD-HOST-NETWORK" tests="1" failures="1"/);
    assert.match(xml, /name="Pod\/x&lt;&amp;&gt;&quot;&apos;y/);
    assert.match(xml, /<testsuite name="input-errors" tests="1" failures="0" errors="1">/);
    // Balanced elements.
    const opens = (xml.match(/<testsuite /g) ?? []).length;
    assert.equal(opens, (xml.match(/<\/testsuite>/g) ?? []).length);
  });

  it('text groups by file and object and counts by severity', () => {
    const text = REPORTERS.text(input());
    assert.match(text, /^deploy\/web\.yaml\n {2}Deployment shop\/web\n/);
    assert.match(text, /13:7 +HIGH +POD-HOST-NETWORK/);
    assert.ok(!text.includes('broken.yaml'), 'errors go to stderr, not into the report');
    assert.match(text, /2 objects scanned: \d+ findings \(.*high.*\), 1 suppressed, 1 input error \(on stderr\): the scan is incomplete\n$/);
    assert.ok(!text.includes('IMG-TAG  container "app" uses the :latest'), 'suppressed findings hidden by default');
  });

  it('no report contains secret values', () => {
    for (const [name, r] of Object.entries(REPORTERS)) assert.ok(!r(input()).includes('s3cr3t-value-never-shown'), name);
  });
});
