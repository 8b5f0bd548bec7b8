/**
 * Hostile input, generated at test time (nothing large is committed): huge document counts, symlink
 * loops, FIFOs, deep nesting, alias bombs, undefined merge aliases, wrong types, a 10 MB line with a
 * YAML error, a reader that closes stdout. Each case runs the shipped CLI (the esbuild bundle) in a
 * child process with a time limit and asserts: no crash and no stack trace, no hang, the problem
 * located (file, line, column), exit 2 (the scan is incomplete), and the findings of a good file
 * scanned alongside exactly as when it is scanned alone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../cli/helpers.js';

/** Every case must end well before this: a hang fails the test instead of blocking the suite. */
const LIMIT_MS = 120_000;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function scan(args: string[], opts: { heapMb?: number } = {}): Result {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [...(opts.heapMb ? [`--max-old-space-size=${opts.heapMb}`] : []), CLI, 'scan', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: LIMIT_MS,
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function assertSane(r: Result, what: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} (hang or crash)`);
  assert.doesNotMatch(r.stderr, /\n\s+at \S+ \(|RangeError|Maximum call stack|internal error|FATAL/, `${what}: a stack trace or crash on stderr:\n${r.stderr.slice(0, 2000)}`);
}

interface Report {
  findings: Array<{ check: string; file: string; line: number; column: number; object: { name: string } }>;
  errors: Array<{ file: string; line?: number; column?: number; message: string }>;
  warnings: string[];
  summary: { objects: number };
}

function json(r: Result): Report {
  return JSON.parse(r.stdout) as Report;
}

const GOOD = `apiVersion: v1
kind: Pod
metadata: {name: reference, namespace: shop}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      securityContext: {privileged: true}
`;

let dir: string;
let good: string;
/** The reference file's findings when scanned alone. */
let alone: string[];

/**
 * The reference file, renamed and moved to another namespace: cross-object checks report once
 * per namespace, so a copy in the reference's own namespace would rightly take such a finding.
 */
const other = (name: string) => GOOD.replace('reference', name).replace('namespace: shop', 'namespace: elsewhere');

const key = (f: Report['findings'][number]) => `${f.check}@${f.line}:${f.column}`;
const goodFindings = (rep: Report) => rep.findings.filter((f) => f.file === good).map(key).sort();

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The bad input scanned with the good file: exit 2, the good file's findings unchanged. */
function withGood(bad: string, what: string, opts: { heapMb?: number } = {}): Report {
  const r = scan([bad, good, '-o', 'json'], opts);
  assertSane(r, what);
  assert.equal(r.code, 2, `${what}: an incomplete scan exits 2\n${r.stderr}`);
  const rep = json(r);
  assert.deepEqual(goodFindings(rep), alone, `${what}: the other file's findings changed`);
  return rep;
}

describe('bad input: no crash, no hang, located errors, other files unaffected', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kh-bad-input-'));
    good = write('good.yaml', GOOD);
    const r = scan([good, '-o', 'json']);
    assertSane(r, 'reference');
    alone = goodFindings(json(r));
    assert.ok(alone.includes('CTR-PRIVILEGED@8:25'), alone.join(' '));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('200,000 documents in one file stream through (no call-stack overflow)', () => {
    const parts: string[] = [];
    for (let i = 0; i < 200_000; i++) parts.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: many}\n`);
    const many = write('many.yaml', parts.join(''));
    const r = scan([many, good, '-o', 'json']);
    assertSane(r, 'many documents');
    assert.equal(r.code, 1, r.stderr); // the reference pod's critical finding, nothing else wrong
    const rep = json(r);
    assert.equal(rep.summary.objects, 200_001);
    assert.deepEqual(goodFindings(rep), alone);
  });

  it('symlink loops: each real folder once, the loop reported with the link path', () => {
    const loop = join(dir, 'loop');
    mkdirSync(loop);
    writeFileSync(join(loop, 'pod.yaml'), other('looped'));
    symlinkSync('.', join(loop, 'a'));
    symlinkSync('.', join(loop, 'b'));
    const r = scan([loop, '-o', 'json']);
    assertSane(r, 'symlink loop');
    const rep = json(r);
    assert.equal(rep.summary.objects, 1, 'the file is read once, not once per path through the links');
    assert.equal(rep.findings.filter((f) => f.check === 'CTR-PRIVILEGED').length, 1);
    assert.match(r.stderr, new RegExp(`warning: ${join(loop, 'a')}: symbolic link loop`));
    assert.match(r.stderr, new RegExp(`warning: ${join(loop, 'b')}: symbolic link loop`));
    // A path that is itself a loop of links says so (it used to say "no such file").
    const self = join(dir, 'self.yaml');
    symlinkSync(self, self);
    const s = scan([self, good, '-o', 'json']);
    assertSane(s, 'self link');
    assert.match(s.stderr, /self\.yaml: symbolic link loop/);
    assert.deepEqual(goodFindings(json(s)), alone);
  });

  it('a FIFO named like a manifest is reported and skipped, given directly or met in a walk', () => {
    const fifos = join(dir, 'fifos');
    mkdirSync(fifos);
    const made = spawnSync('mkfifo', [join(fifos, 'x.yaml'), join(dir, 'direct.yaml')]);
    assert.equal(made.status, 0, 'mkfifo');
    writeFileSync(join(fifos, 'pod.yaml'), other('beside-fifo'));
    const rep = withGood(join(dir, 'direct.yaml'), 'direct FIFO');
    assert.match(rep.errors[0].message, /FIFO \(named pipe\), not a regular file/);
    const walked = withGood(fifos, 'FIFO in a walk');
    assert.ok(walked.errors.some((e) => e.file === join(fifos, 'x.yaml') && /FIFO/.test(e.message)));
    assert.ok(walked.findings.some((f) => f.object.name === 'beside-fifo'), 'the rest of the folder is scanned');
  });

  it('10,000 levels of nesting: "nesting deeper than N" where it happens; the other documents are read', () => {
    const deep = write('deep.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n---\n${other('after-deep')}`);
    const rep = withGood(deep, 'deep nesting');
    const e = rep.errors.find((x) => x.file === deep);
    assert.ok(e, JSON.stringify(rep.errors));
    assert.match(e.message, /^nesting deeper than 512 levels/);
    assert.deepEqual([e.line, e.column], [5, 516], 'the bracket that passes the limit');
    assert.ok(rep.findings.some((f) => f.object.name === 'after-deep' && f.check === 'CTR-PRIVILEGED'), 'the next document still gets its findings');
  });

  it('an alias bomb is refused at the alias, without expanding it', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let prev = 'a';
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      lines.push(`  ${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
      prev = n;
    }
    const bomb = write('bomb.yaml', `${lines.join('\n')}\n`);
    const rep = withGood(bomb, 'alias bomb', { heapMb: 256 });
    const e = rep.errors.find((x) => x.file === bomb);
    assert.ok(e && e.line && e.column, JSON.stringify(rep.errors));
    assert.match(e.message, /^alias bomb/);
    assert.equal(lines[e.line - 1][e.column - 1], '*', 'points at an alias, not at line 1 column 1');
  });

  it('a merge key with an undefined alias affects only its own document', () => {
    const merge = write('merge.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\n  <<: [ *undefinedalias ]\nspec:\n  containers: [{name: c, image: nginx}]\n---\n${other('merge-neighbour')}`);
    const rep = withGood(merge, 'undefined merge alias');
    const e = rep.errors.filter((x) => x.file === merge);
    assert.equal(e.length, 1, JSON.stringify(rep.errors));
    assert.deepEqual([e[0].line, e[0].column], [5, 9]);
    assert.match(e[0].message, /alias \*undefinedalias refers to no anchor/);
    assert.ok(!rep.errors.some((x) => x.file === '<scan>' || /could not evaluate/.test(x.message)), 'no check fails for the whole scan');
    assert.ok(rep.findings.some((f) => f.object.name === 'merge-neighbour' && f.check === 'NET-NS-DEFAULT-DENY'), 'cross-object checks still run for the others');
  });

  it('wrong types are input errors at the field, never a silent pass', () => {
    const types = write(
      'types.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: typed, namespace: typed}
spec:
  containers:
    - name: c
      image: registry.example.com/app:1.0.0
      securityContext:
        privileged: "true"
        runAsUser: "0"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: strings, namespace: typed}
spec:
  template:
    spec:
      containers: "x"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: lists, namespace: typed}
spec:
  template:
    spec:
      securityContext: []
      containers: [{name: c, image: "registry.example.com/app:1.0.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: empty, namespace: typed}
spec:
  template:
    spec:
      containers: []
`,
    );
    const r = scan([types, good, '-o', 'json', '--fail-on', 'critical']);
    assertSane(r, 'wrong types');
    assert.equal(r.code, 2, 'privileged: "true" may be privileged: the scan cannot pass');
    const rep = json(r);
    const at = (line: number) => rep.errors.find((e) => e.file === types && e.line === line);
    assert.match(at(9)?.message ?? '', /privileged is a string "true", but the API server expects a boolean/);
    assert.equal(at(9)?.column, 9);
    assert.match(at(10)?.message ?? '', /runAsUser is a string "0", but the API server expects an integer/);
    assert.match(at(18)?.message ?? '', /Deployment typed\/strings: spec\.template\.spec\.containers is a string, but the API server expects a list/);
    assert.match(at(26)?.message ?? '', /spec\.template\.spec\.securityContext is a list, but the API server expects a mapping/);
    assert.ok(rep.warnings.some((w) => /Deployment typed\/empty: the pod template has no containers: not evaluated/.test(w)), JSON.stringify(rep.warnings));
    assert.deepEqual(goodFindings(rep), alone);
  });

  it('a YAML error on a 10 MB line is located without hundreds of MB of memory', () => {
    const long = write('long.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata:\n  x: "${'a'.repeat(10_000_000)}\n`);
    // 160 MB of heap: the exact parser needed ~430 MB for this file.
    const rep = withGood(long, '10 MB line', { heapMb: 160 });
    const e = rep.errors.find((x) => x.file === long);
    assert.ok(e?.line, JSON.stringify(rep.errors));
    assert.match(e.message, /^invalid YAML: .*double quoted/);
  });

  it('a reader that closes stdout early ends the command quietly, in every format', async () => {
    const pods = write('pods.yaml', Array.from({ length: 2000 }, (_, i) => other(`p${i}`)).join('---\n'));
    const runs: Array<[string, string[], number]> = [
      ...['json', 'sarif', 'junit', 'text'].map((format): [string, string[], number] => [`scan -o ${format}`, ['scan', pods, '-o', format], 1]),
      ['checks -o json', ['checks', '-o', 'json'], 0],
      ['checks -o yaml', ['checks', '-o', 'yaml'], 0],
    ];
    for (const [format, args, usual] of runs) {
      const r = await new Promise<Result>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
        const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        // Like `| head -c 100`: read a little, then go away.
        child.stdout.once('data', () => child.stdout.destroy());
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout: '', stderr });
        });
      });
      assertSane(r, `closed stdout (${format})`);
      assert.equal(r.stderr, '', `${format}: nothing on stderr`);
      assert.equal(r.code, usual, `${format}: the usual status`);
    }
  });
});
