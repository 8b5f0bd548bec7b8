/** The committed Helm chart is what src/deploy/chart.ts writes from the `webhook install` code. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartFiles, componentTemplate, COMPONENTS } from './chart.js';

const CHART = fileURLToPath(new URL('../../charts/kubeharden', import.meta.url));

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(relative(CHART, p));
  }
  return out;
}

describe('Helm chart', () => {
  it('charts/kubeharden is up to date with the install code (run `npm run chart` after changing it)', () => {
    const want = chartFiles();
    assert.deepEqual(files(CHART).sort(), Object.keys(want).sort());
    for (const [rel, text] of Object.entries(want)) assert.equal(readFileSync(join(CHART, rel), 'utf8'), text, `${rel} differs: run npm run chart`);
  });

  it('wraps objects that only a toggle adds in an if, and refuses any other difference', () => {
    const t = componentTemplate(COMPONENTS[0]);
    assert.match(t, /\{\{- if \.Values\.webhook\.mutate \}\}\n---\napiVersion: admissionregistration\.k8s\.io\/v1\nkind: MutatingWebhookConfiguration/);
    const drifting = { ...COMPONENTS[0], render: (x: Record<string, boolean>) => COMPONENTS[0].render(x).map((o) => (x['webhook.mutate'] && o.kind === 'Service' ? { ...o, spec: {} } : o)) };
    assert.throws(() => componentTemplate(drifting), /Service\/.*differs with webhook\.mutate on/);
    assert.doesNotMatch(t, /__KH_/);
  });
});
