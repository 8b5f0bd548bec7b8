import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadInputs, loadText } from './index.js';

const text = (s: string, file = 'm.yaml') => loadText(Buffer.from(s), file);

describe('loader: documents and positions', () => {
  it('reads multi-document YAML with 1-based positions', () => {
    const r = text('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# comment\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: c\n      image: x\n');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.objects.map((o) => `${o.kind}/${o.name}`), ['ConfigMap/a', 'Pod/b']);
    const pod = r.objects[1];
    assert.equal(pod.source.documentIndex, 1);
    const img = pod.source.locate(['spec', 'containers', 0, 'image']);
    assert.deepEqual([img.line, img.column], [13, 7]);
    // A missing field points at the nearest existing ancestor: the container entry.
    const missing = pod.source.locate(['spec', 'containers', 0, 'securityContext', 'privileged']);
    assert.deepEqual([missing.line, missing.column], [12, 7]);
  });

  it('reads JSON with positions', () => {
    const r = text('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"},\n  "spec": {"containers": [{"name": "c", "image": "x"}]}\n}\n', 'p.json');
    assert.deepEqual(r.errors, []);
    assert.equal(r.objects[0].name, 'j');
    const pos = r.objects[0].source.locate(['spec', 'containers', 0, 'image']);
    assert.equal(pos.line, 5);
  });

  it('expands List and any *List kind, keeping item positions', () => {
    const r = text('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: one}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: two}\n---\napiVersion: v1\nkind: ServiceAccountList\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: three}\n');
    assert.deepEqual(r.objects.map((o) => o.name), ['one', 'two', 'three']);
    assert.deepEqual(r.objects[1].source.itemPath, ['items', 1]);
    assert.equal(r.objects[1].source.locate(['metadata', 'name']).line, 9);
  });

  it('builds objects lazily: metadata is read without converting the document', () => {
    const r = text('apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: big.example.com\n  labels: {a: b}\nspec: {group: example.com}\n');
    const o = r.objects[0];
    assert.equal(o.name, 'big.example.com');
    assert.deepEqual({ ...o.labels }, { a: 'b' });
    assert.equal((o.object.spec as { group: string }).group, 'example.com');
  });
});

describe('loader: bad input never crashes and never loses other documents', () => {
  it('invalid YAML: error with line and column, other documents still loaded', () => {
    const r = text('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok1}\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok2}\n');
    assert.deepEqual(r.objects.map((o) => o.name), ['ok1', 'ok2']);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /invalid YAML/);
    assert.equal(r.errors[0].file, 'm.yaml');
    assert.ok(r.errors[0].line && r.errors[0].line >= 5, 'line of the error');
    assert.ok(r.errors[0].column);
  });

  it('alias bombs are bounded', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a: &a ["x","x","x","x","x","x","x","x","x"]'];
    let prev = 'a';
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      bomb.push(`  ${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
      prev = n;
    }
    const start = process.memoryUsage().heapUsed;
    const r = text(bomb.join('\n') + '\n');
    // Refused at load, located at the alias where the expansion passes the bound: no object that
    // throws (or allocates 9^9 strings) when a check reads it.
    assert.equal(r.objects.length, 0);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /alias bomb: with alias \*\w/);
    const line = bomb[(r.errors[0].line as number) - 1];
    assert.equal(line.slice((r.errors[0].column as number) - 1).slice(0, 1), '*', 'points at an alias');
    assert.ok(process.memoryUsage().heapUsed - start < 200 * 1024 * 1024);
  });

  it('very deep nesting is an error, not a crash', () => {
    const deep = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ' + '['.repeat(50000) + ']'.repeat(50000) + '\n';
    const r = text(deep);
    assert.ok(r.errors.length > 0 || r.objects.length === 1);
  });

  it('binary and invalid UTF-8 files are refused with a clear message', () => {
    assert.match(loadText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'bin.yaml').errors[0].message, /binary/);
    assert.match(loadText(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), 'bad.yaml').errors[0].message, /UTF-8/);
  });

  it('unrendered Helm templates are recognised', () => {
    const r = text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\ndata: {}\n{{- end }}\n');
    assert.equal(r.objects.length, 0);
    assert.match(r.errors[0].message, /Helm template/);
    // Go templates inside quoted strings (Prometheus alerts) are not Helm.
    const ok = text('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  summary: "Instance {{ $labels.instance }} down"\n');
    assert.deepEqual(ok.errors, []);
  });

  it('scalar and array documents are reported, not crashed on', () => {
    const r = text('just a string\n---\n- a\n- b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n');
    assert.deepEqual(r.objects.map((o) => o.name), ['ok']);
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0].message, /string, not a Kubernetes object/);
    assert.match(r.errors[1].message, /list, not a Kubernetes object/);
    assert.equal(r.errors[1].line, 3);
  });

  it('objects without kind or apiVersion are reported with their position', () => {
    const r = text('metadata: {name: x}\nspec: {}\n---\napiVersion: v1\nmetadata: {name: y}\n');
    assert.equal(r.objects.length, 0);
    assert.match(r.errors[0].message, /without apiVersion and kind/);
    assert.match(r.errors[1].message, /without kind/);
    assert.equal(r.errors[1].line, 4);
  });

  it('duplicate keys are reported and the document is still scanned (last value wins)', () => {
    const r = text('apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n  containers: [{name: c, image: x}]\n');
    assert.equal(r.objects.length, 1);
    assert.match(r.errors[0].message, /duplicate key/);
    assert.equal(r.errors[0].line, 6);
    assert.equal((r.objects[0].object.spec as { hostNetwork: boolean }).hostNetwork, true);
  });

  it('empty documents and comment-only files are fine', () => {
    const r = text('# nothing\n---\n---\n');
    assert.deepEqual(r, { objects: [], errors: [] });
  });
});

describe('loader: files, directories, stdin, Kustomize', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kh-load-'));
    mkdirSync(join(dir, 'apps', 'nested'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    const cm = (n: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`;
    writeFileSync(join(dir, 'a.yaml'), cm('a'));
    writeFileSync(join(dir, 'apps', 'b.yml'), cm('b'));
    writeFileSync(join(dir, 'apps', 'nested', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    writeFileSync(join(dir, 'apps', 'notes.txt'), 'not a manifest');
    writeFileSync(join(dir, 'apps', 'skip-me.yaml'), cm('skipped'));
    writeFileSync(join(dir, '.git', 'x.yaml'), cm('git'));
    writeFileSync(join(dir, 'node_modules', 'x', 'y.yaml'), cm('nm'));
    writeFileSync(join(dir, 'apps', '.kubeharden.yaml'), 'failOn: medium\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('walks directories recursively, skipping .git, node_modules, non-manifest files and kubeharden config files', async () => {
    const r = await loadInputs([dir], { skipNames: ['.kubeharden.yaml'] });
    assert.deepEqual(r.objects.map((o) => o.name).sort(), ['a', 'b', 'c', 'skipped']);
    assert.deepEqual([r.errors, r.warnings], [[], []], 'a .kubeharden.yaml beside manifests is neither input nor worth a warning');
    assert.ok(!r.files.some((f) => f.endsWith('.kubeharden.yaml')));
  });

  it('honours --exclude globs', async () => {
    const r = await loadInputs([dir], { exclude: ['**/skip-*.yaml', 'nested'] });
    assert.deepEqual(r.objects.map((o) => o.name).sort(), ['a', 'b']);
  });

  it('reads several paths and stdin (-)', async () => {
    const r = await loadInputs([join(dir, 'a.yaml'), '-'], { stdinText: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n' });
    assert.deepEqual(r.objects.map((o) => `${o.source.file.endsWith('a.yaml') ? 'a.yaml' : o.source.file}:${o.name}`), ['a.yaml:a', '<stdin>:s']);
  });

  it('reports missing paths and oversized files without stopping', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {k: "' + 'x'.repeat(2048) + '"}\n');
    const r = await loadInputs([join(dir, 'nope.yaml'), big, join(dir, 'a.yaml')], { maxFileBytes: 1024 });
    rmSync(big);
    assert.deepEqual(r.objects.map((o) => o.name), ['a']);
    assert.match(r.errors[0].message, /no such file/);
    assert.match(r.errors[1].message, /limit/);
  });

  const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  it('renders Kustomize directories and points findings back at the source files', { skip: hasKubectl ? false : 'kubectl is not installed' }, async () => {
    const k = join(dir, 'kust');
    mkdirSync(join(k, 'base'), { recursive: true });
    mkdirSync(join(k, 'overlay'), { recursive: true });
    writeFileSync(join(k, 'base', 'kustomization.yaml'), 'resources: [deploy.yaml]\n');
    writeFileSync(join(k, 'base', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n');
    writeFileSync(join(k, 'overlay', 'kustomization.yaml'), 'namespace: prod\nnamePrefix: prod-\nresources: [../base]\n');
    const r = await loadInputs([join(k, 'overlay')]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.objects.length, 1);
    const o = r.objects[0];
    assert.equal(o.name, 'prod-web');
    assert.equal(o.namespace, 'prod');
    assert.ok(o.source.file.endsWith(join('base', 'deploy.yaml')), o.source.file);
    assert.equal(o.source.locate(['spec', 'template', 'spec', 'containers', 0, 'image']).line, 12);
    assert.equal(o.annotations['config.kubernetes.io/origin'], undefined);
  });
});

describe('loader: the fast path agrees with the exact path', () => {
  it('gives the same objects, errors and positions, and falls back on aliases, duplicates and directives', async () => {
    const { parseManifestTextExact } = await import('./documents.js');
    const { parseManifestTextFast } = await import('./fast-documents.js');
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, labels: {x: "1"}}\n  spec:\n    containers:\n    - name: c\n      image: x\n---\n# c\n---\nplain\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: "* not an alias ! nor a tag & nor an anchor"\n';
    const fast = parseManifestTextFast(text, 'f.yaml');
    const exact = parseManifestTextExact(text, 'f.yaml');
    assert.ok(fast, 'plain manifests take the fast path');
    assert.deepEqual(fast.errors, exact.errors);
    assert.deepEqual(fast.objects.map((o) => [o.kind, o.name, { ...o.labels }, o.object]), exact.objects.map((o) => [o.kind, o.name, { ...o.labels }, o.object]));
    for (const path of [['spec', 'containers', 0, 'image'], ['spec', 'containers', 0, 'securityContext'], ['metadata', 'labels', 'x']]) {
      assert.deepEqual(fast.objects[0].source.locate(path), exact.objects[0].source.locate(path), path.join('.'));
    }
    assert.deepEqual(fast.objects[1].source.locate(['data', 'k']), exact.objects[1].source.locate(['data', 'k']));
    assert.equal(parseManifestTextFast('a: &x {b: 1}\nc: *x\n', 'x.yaml'), undefined, 'shared collections (aliases) take the exact path');
    assert.equal(parseManifestTextFast('a: 1\na: 2\n', 'x.yaml'), undefined, 'duplicate keys take the exact path');
    assert.equal(parseManifestTextFast('%YAML 1.2\n---\na: 1\n', 'x.yaml'), undefined, 'directives take the exact path');
  });
});

describe('loader: document numbering is the same on both paths (fix edits by it)', () => {
  it('counts documents as the yaml library does: comment-only prefixes, empty documents, end markers', async () => {
    const { parseManifestTextExact } = await import('./documents.js');
    const { parseManifestTextFast } = await import('./fast-documents.js');
    const cm = (n: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`;
    const cases = [`# license\n---\n${cm('a')}`, `${cm('a')}---\n`, `---\n${cm('a')}---\n---\n${cm('b')}`, `# c\n---\n# e\n---\n${cm('a')}`, `${cm('a')}...\n---\n${cm('b')}`, `\n\n---\n${cm('a')}`, `${cm('a')}---\n# only a comment\n---\n${cm('b')}`];
    for (const text of cases) {
      const fast = parseManifestTextFast(text, 'x.yaml');
      assert.ok(fast);
      const exact = parseManifestTextExact(text, 'x.yaml');
      const ids = (r: typeof exact) => r.objects.map((o) => `${o.name}@${o.source.documentIndex}:${o.source.locate([]).line}`);
      assert.deepEqual(ids(fast), ids(exact), JSON.stringify(text));
    }
  });
});

describe('loader: regression', () => {
  it('a long comment header followed by content before the first --- is read in linear time', { timeout: 20_000 }, async () => {
    const { parseManifestTextFast } = await import('./fast-documents.js');
    // This shape (a licence header, then a document, then ---) hung a backtracking regex.
    const header = Array.from({ length: 40 }, (_, i) => `# line ${i} of the licence header`).join('\n');
    const text = `${header}\n\napiVersion: v1\nkind: Service\nmetadata:\n  name: details\n  labels: {app: details}\nspec:\n  ports: [{port: 9080}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n`;
    const r = parseManifestTextFast(text, 'x.yaml');
    assert.deepEqual(r?.objects.map((o) => `${o.name}@${o.source.documentIndex}`), ['details@0', 'b@1']);
  });
});
