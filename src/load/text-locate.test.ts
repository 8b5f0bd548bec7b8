/**
 * The text locator must answer exactly as the yaml AST route (parseDocument + locateInDocument)
 * or decline. Unit cases cover each construct; the differential part checks every path of every
 * fixture document and of the real-world corpus (../shared) against the AST.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { sharedPath } from '../../test/shared.js';
import { slices } from './fast-documents.js';
import { locateInDocument } from './locate.js';
import { locateInText, TextLocator } from './text-locate.js';
import type { Path, Region } from './types.js';

type MutablePath = (string | number)[];

/** The reference: what lazyLocator computed before the text locator existed. */
class AstLocator {
  private readonly counter = new LineCounter();
  private readonly doc: Document;
  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.counter, uniqueKeys: false, logLevel: 'error' });
  }
  locate(itemPath: Path, path: Path): Region {
    const root = this.doc.contents && itemPath.length ? (this.doc.getIn(itemPath, true) as never) : this.doc.contents;
    return locateInDocument(this.doc, root, path, this.counter);
  }
}

/** Every key and index of a js-yaml value, plus a missing child of each collection. */
function pathsOf(value: unknown, prefix: MutablePath = [], out: MutablePath[] = []): MutablePath[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, 'x']);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
    out.push([...prefix, '__missing__']);
  }
  return out;
}

/** The (itemPath, path) queries of a document: the whole document, and each List item. */
function queriesOf(text: string): [Path, Path][] {
  const value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  const queries: [Path, Path][] = pathsOf(value).map((p) => [[], p]);
  const v = value as { kind?: unknown; items?: unknown } | null;
  if (v && typeof v === 'object' && String(v.kind).endsWith('List') && Array.isArray(v.items)) {
    v.items.forEach((item, i) => {
      for (const p of pathsOf(item)) queries.push([['items', i], p]);
    });
  }
  return queries;
}

interface Tally {
  paths: number;
  declined: number;
  mismatches: string[];
  /** Declined paths per file, to say where declines come from. */
  declinedIn?: Map<string, number>;
}

/** Compares the text locator with the AST on the given queries of one document text. */
function compare(text: string, queries: [Path, Path][], tally: Tally, label: string): void {
  const fromText = new TextLocator(text);
  let fromAst: AstLocator | undefined;
  for (const [itemPath, path] of queries) {
    tally.paths++;
    const got = fromText.locate(itemPath, path);
    if (!got) {
      tally.declined++;
      const file = label.replace(/:\d+.*$/, '');
      tally.declinedIn?.set(file, (tally.declinedIn.get(file) ?? 0) + 1);
      continue;
    }
    fromAst ??= new AstLocator(text);
    const want = fromAst.locate(itemPath, path);
    if (!isDeepStrictEqual(got, want) && tally.mismatches.length < 20) {
      tally.mismatches.push(`${label} ${JSON.stringify(itemPath)} ${JSON.stringify(path)}: text ${JSON.stringify(got)}, AST ${JSON.stringify(want)}`);
    }
  }
}

/** Asserts that every path of `yaml` is located from the text, exactly as the AST does. */
function assertAllPathsExact(yaml: string): void {
  const tally: Tally = { paths: 0, declined: 0, mismatches: [] };
  compare(yaml, queriesOf(yaml), tally, 'case');
  assert.deepEqual(tally.mismatches, []);
  assert.equal(tally.declined, 0, `declined ${tally.declined} of ${tally.paths} paths`);
}

const DEPLOYMENT = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # trailing comment
  labels:
    app: web

    tier: "front end"
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: 'nginx:1.27'
        args:
          - --port=80
          - "--flag"
        securityContext:
          runAsNonRoot: true
          # a comment at the keys' indent
        resources: {}
      - name: side
        command: [sh, -c, 'echo hi']
        env: [{name: A, value: "1"}, {name: B, value: x y}]
          # a more-indented comment after the last value
      volumes:
        - name: data
          emptyDir: {}
`;

describe('text locator: exact regions for block-style YAML', () => {
  it('nested maps, sequences at their key indent and indented, `- key: v` items, comments, flow leaves', () => {
    assertAllPathsExact(DEPLOYMENT);
  });

  it('plain, single- and double-quoted scalars over several lines', () => {
    assertAllPathsExact(`a: one
  two

  three
b: 'it''s
  quoted'
c: "multi
  line \\" escaped"
d:
  - plain item
    continued
  - "q"  # c
e: last
  line
`);
  });

  it('block scalars with chomping and indentation indicators, trailing blank lines', () => {
    assertAllPathsExact(`kind: ConfigMap
data:
  literal: |
    line 1

    line 3

  folded: >-
    folded
    text
  keep: |+
    kept


  indent: |2
      four spaces
    two
  header-comment: | # comment
    x
  empty: |
  last: |
    # not a comment

other: 1
`);
  });

  it('empty values, values below their key, comments between key and value', () => {
    assertAllPathsExact(`a:
b:    
c:
  # comment
  d: 1
e:
  text below
  its key
f:
  "quoted below"
g:
-
- x
-   
h: end
i:
  {}
j:
  [a, {b: c}]
`);
    assertAllPathsExact('volumes:\n  - name: data\n    emptyDir:\n      {}\n');
  });

  it('trailing comments at every indent decide where collections end', () => {
    for (const tail of ['', '\n', '\n\n', '  # two\n', '    # four\n', '      # six\n', '# zero\n', '    # four\n# zero\n', '\n      # six\n\n', '        # eight\n    # four\n']) {
      assertAllPathsExact(`a:
  b:
    c: 1
${tail}d:
  - e: 1
    f:
      - 2
${tail}`);
      assertAllPathsExact(`items:
- x: |
    text
${tail}- y: [1]
${tail}`);
    }
  });

  it('a document without a final newline, a --- marker line, an indented root, a root sequence', () => {
    assertAllPathsExact('a: 1\nb:\n  c: 2');
    assertAllPathsExact('--- # first\na: 1\n');
    assertAllPathsExact('  a: 1\n  b:\n    - 2\n');
    assertAllPathsExact('- a: 1\n- - 2\n  - 3\n- 4\n');
  });

  it('CRLF line endings', () => {
    assertAllPathsExact(DEPLOYMENT.replace(/\n/g, '\r\n'));
    assertAllPathsExact('a: |\r\n  x\r\n\r\nb: "q\r\n  r"\r\nc:\r\n- 1\r\n');
  });

  it('quoted keys and keys that read as plain strings', () => {
    assertAllPathsExact(`"quoted": 1
'single ''q''': 2
key with spaces: 3
true: 4
"0": 5
url: http://x:80/y#z
`);
  });

  it('List items through the item path', () => {
    assertAllPathsExact(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  data:
    k: v
`);
  });

  it('a JSON (flow) document: its whole region; paths inside are left to the AST', () => {
    for (const json of ['{"a": [1, "x]"],\n "b": {"c": "d"}}\n', '# c\n[1, 2]', '---\n{\n  "k": \'v\'\n}\n# end\n']) {
      assert.deepEqual(locateInText(json, [], []), new AstLocator(json).locate([], []), json);
    }
    assert.equal(locateInText('{"a": 1}', [], ['a']), undefined);
    assert.equal(locateInText('{a: it\'s}', [], []), undefined);
  });

  it('paths that stop existing, out-of-range and string indexes', () => {
    const yaml = 'a:\n  b: [1, 2]\n  c:\n    - d: 1\n';
    const ast = new AstLocator(yaml);
    for (const path of [['a', 'b', 5], ['a', 'c', '0', 'd'], ['a', 'c', -1], ['a', 'c', 'x'], ['a', 'b', 0, 'deeper'], ['nope', 'x'], ['a', 'c', 0, 'd', 'e']]) {
      assert.deepEqual(locateInText(yaml, [], path), ast.locate([], path), JSON.stringify(path));
    }
  });
});

describe('text locator: declines what it does not model', () => {
  const declines: [string, string, Path][] = [
    ['an anchor', 'a: &x\n  b: 1\nc: *x\n', ['a']],
    ['an alias', 'a: 1\nc: *x\n', ['c']],
    ['a tag', 'a: !!str 1\n', ['a']],
    ['a complex key', '? a\n: 1\n', ['a']],
    ['a tab in the indentation', 'a:\n\tb: 1\n', ['a']],
    ['a multi-line flow collection', 'a: [1,\n  2]\n', ['a']],
    ['a comment inside a flow collection', 'a: [1, # c\n  2]\n', ['a']],
    ['a number-like key before the one wanted', '1.0: x\nb: 1\n', ['b']],
    ['a merge key', 'a:\n  <<: {}\n  b: 1\n', ['a', 'b']],
    ['a double-quoted key with escapes', '"a\\tb": 1\n', ['x']],
    ['a block scalar below its key', 'a:\n  |\n  x\n', ['a']],
    ['a flow document (JSON)', '{"a": 1}\n', ['a']],
    ['a scalar document', 'just text\n', []],
    ['a byte-order mark', '\uFEFFa: 1\n', ['a']],
    ['an empty last value followed by a comment', 'a:\n  b:\n  # c\nd: 1\n', ['a']],
    ['an empty value with a comment, last', 'a:\n  b: # c\nd: 1\n', ['a']],
    ['content after the --- marker', '--- a: 1\n', ['a']],
  ];
  for (const [what, yaml, path] of declines) {
    it(what, () => assert.equal(locateInText(yaml, [], path), undefined));
  }
});

/** Every *.yaml/*.yml/*.json under dir. */
function manifestFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) manifestFiles(p, out);
    else if (/\.(?:ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

/** Compares every document of the files; js-yaml failures are skipped (the fast path is not used). */
function differential(files: string[], tally: Tally, options: { crlf?: boolean; maxPathsPerDocument?: number } = {}): void {
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const slice of slices(text)) {
      let queries: [Path, Path][];
      try {
        queries = queriesOf(slice.text);
      } catch {
        continue;
      }
      const max = options.maxPathsPerDocument ?? Infinity;
      if (queries.length > max) {
        // Deterministic sample: an even stride over the document, keeping its first paths.
        const stride = queries.length / max;
        queries = Array.from({ length: max }, (_, i) => queries[Math.floor(i * stride)]);
      }
      compare(slice.text, queries, tally, `${file}:${slice.line}`);
      if (options.crlf) compare(slice.text.replace(/\r?\n/g, '\r\n'), queries, tally, `${file}:${slice.line} (CRLF)`);
    }
  }
}

function checkFixtureDirs(): string[] {
  const checks = new URL('../checks/', import.meta.url).pathname;
  const out: string[] = [];
  for (const check of readdirSync(checks).sort()) {
    const fixtures = join(checks, check, 'fixtures');
    try {
      if (statSync(fixtures).isDirectory()) out.push(...manifestFiles(fixtures));
    } catch {
      // a check without fixtures
    }
  }
  return out;
}

describe('text locator: differential against the yaml AST', () => {
  it('every path of every check fixture document (and its CRLF form) is exact or declined', () => {
    const tally: Tally = { paths: 0, declined: 0, mismatches: [] };
    differential(checkFixtureDirs(), tally, { crlf: true });
    assert.deepEqual(tally.mismatches, []);
    console.log(`fixtures: ${tally.paths} paths, ${tally.declined} declined (${((100 * tally.declined) / tally.paths).toFixed(2)}%)`);
    assert.ok(tally.declined / tally.paths < 0.05, `declined ${tally.declined} of ${tally.paths}`);
  });

  it('every document of the real-world corpus: exact or declined, and declines are rare', () => {
    const corpus = sharedPath('corpus/realworld', 'text locator differential on the real-world corpus');
    if (!corpus) return;
    const tally: Tally = { paths: 0, declined: 0, mismatches: [], declinedIn: new Map() };
    differential(manifestFiles(corpus), tally, { maxPathsPerDocument: 20000 });
    assert.deepEqual(tally.mismatches, []);
    const rate = tally.declined / tally.paths;
    const top = [...(tally.declinedIn ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`corpus: ${tally.paths} paths, ${tally.declined} declined (${(100 * rate).toFixed(2)}%); most in ${top.map(([f, n]) => `${f.slice(corpus.length + 1)} (${n})`).join(', ')}`);
    assert.ok(rate < 0.05, `declined ${tally.declined} of ${tally.paths}`);
  });
});
