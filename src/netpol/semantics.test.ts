/**
 * The exact NetworkPolicy semantics, one fixture per rule of the API (src/netpol/fixtures):
 * - semantics/*.yaml: `# expect: SRC -> DST PROTO PORT: yes|no|partly` (or `--port NAME`) answered
 *   by can-reach; `# cni-dependent: SRC -> DST PROTO PORT` says an ipBlock may also match the pod;
 *   `# host-network: NS/NAME` says the pod is outside NetworkPolicy;
 * - invalid/*.yaml: `# error: LINE: message` — policies the API server rejects are input errors,
 *   located at the offending field;
 * - foreign/*.yaml: `# foreign: Kind ns/name, …` — other engines' policies, recognised, not evaluated.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadText } from '../load/index.js';
import { ObjectIndex } from '../engine/object-index.js';
import { buildWorld } from './world.js';
import { Reachability } from './engine.js';
import { canReach, parsePortArg, resolveArg, type PortArg } from './query.js';
import { whereIn } from './policy.js';

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

function fixtures(sub: string): string[] {
  return readdirSync(join(DIR, sub))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(DIR, sub, f));
}

function load(file: string) {
  const r = loadText(readFileSync(file), file);
  assert.deepEqual(r.errors, [], `${file} must load`);
  const index = new ObjectIndex(r.objects);
  const world = buildWorld(index);
  return { index, world, engine: new Reachability(world) };
}

function parsePort(text: string): PortArg | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (t.startsWith('--port ')) return parsePortArg(t.slice(7));
  const [proto, port] = t.split(/\s+/);
  return parsePortArg(`${port}/${proto}`);
}

function ask(f: ReturnType<typeof load>, src: string, dst: string, port: string) {
  const services = (ns: string, name: string) => f.index.get('Service', ns, name)?.object as Record<string, unknown> | undefined;
  return canReach(f.engine, resolveArg(src, f.world, f.engine, services), resolveArg(dst, f.world, f.engine, services), parsePort(port));
}

describe('NetworkPolicy semantics fixtures', () => {
  for (const file of fixtures('semantics')) {
    const text = readFileSync(file, 'utf8');
    const name = file.slice(DIR.length);
    it(name, () => {
      const f = load(file);
      assert.deepEqual(
        f.world.policies.flatMap((p) => p.problems),
        [],
        'semantics fixtures hold only valid policies',
      );
      const expects = [...text.matchAll(/^# expect: (\S+) -> (\S+)(.*): (yes|no|partly)$/gm)];
      assert.ok(expects.length > 0, 'a semantics fixture needs # expect lines');
      for (const [, src, dst, port, want] of expects) {
        const a = ask(f, src, dst, port);
        assert.equal(a.answer, want, `${src} -> ${dst}${port}: expected ${want}, got ${a.answer}`);
      }
      for (const [, src, dst, port] of text.matchAll(/^# cni-dependent: (\S+) -> (\S+)(.*)$/gm)) {
        const a = ask(f, src, dst, port);
        assert.ok(
          a.pairs.some((p) => p.ingress.cniDependent.length + p.egress.cniDependent.length > 0),
          `${src} -> ${dst}: an ipBlock rule should be reported as CNI-dependent`,
        );
      }
      for (const [, pod] of text.matchAll(/^# host-network: (\S+)$/gm)) {
        assert.ok(f.world.hostNetworkPods.some((p) => `${p.namespace}/${p.workload.name}` === pod), `${pod} is a hostNetwork pod`);
        assert.ok(!f.world.pods.some((p) => `${p.namespace}/${p.workload.name}` === pod), `${pod} is not an endpoint NetworkPolicy governs`);
      }
    });
  }
});

describe('invalid NetworkPolicies are input errors at the offending field', () => {
  for (const file of fixtures('invalid')) {
    const text = readFileSync(file, 'utf8');
    it(file.slice(DIR.length), () => {
      const f = load(file);
      const got = f.world.policies.flatMap((p) => p.problems.map((pr) => ({ line: Number(whereIn(p, pr.path).split(':').pop()), message: pr.message })));
      const want = [...text.matchAll(/^# error: (\d+): (.+)$/gm)].map(([, line, msg]) => ({ line: Number(line), msg }));
      assert.ok(want.length > 0);
      for (const w of want) assert.ok(got.some((g) => g.line === w.line && g.message.includes(w.msg)), `expected "${w.msg}" at line ${w.line}; got ${JSON.stringify(got)}`);
      assert.equal(got.length, want.length, `exactly the expected problems: ${JSON.stringify(got)}`);
    });
  }
});

describe('policies of other engines are recognised, not evaluated', () => {
  for (const file of fixtures('foreign')) {
    const text = readFileSync(file, 'utf8');
    it(file.slice(DIR.length), () => {
      const f = load(file);
      const want = /^# foreign: (.+)$/m.exec(text)![1].split(',').map((s) => s.trim()).sort();
      const got = f.world.foreign.map((x) => `${x.object.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.object.name}`).sort();
      assert.deepEqual(got, want);
      assert.equal(f.world.policies.length, 0, 'none of them is read as a core NetworkPolicy');
      // Pods of the namespace are reachable by the core semantics, and the answer says what it ignored.
      assert.ok(f.world.foreignFor('shop').length === want.length);
      assert.ok(f.world.foreignFor('elsewhere').every((x) => x.namespace === undefined));
    });
  }
});
