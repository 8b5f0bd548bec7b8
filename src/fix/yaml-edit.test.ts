import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffLines } from 'diff';
import { parse, parseAllDocuments } from 'yaml';
import type { RemediationOp } from '../engine/types.js';
import { editFileText } from './file.js';
import { editDocumentText } from './yaml-edit.js';

/** Applies ops to a single-document text; every op must have the expected outcome. */
function edit(text: string, ops: RemediationOp[], outcome = 'applied'): string {
  const r = editDocumentText(text, ops);
  for (const x of r.results) assert.equal(x.outcome, outcome, `${JSON.stringify(x.op)}: ${x.reason ?? ''}`);
  return r.text;
}

/** The edit only added lines: every original line is still there, in order, byte for byte. */
function assertOnlyAdded(before: string, after: string): void {
  const removed = diffLines(before, after).filter((p) => p.removed);
  assert.deepEqual(removed.map((p) => p.value), [], 'no original line may change');
}

const c0 = ['spec', 'containers', 0];

describe('yaml-edit: block style', () => {
  test('adds a missing map under a container, at its indentation, keeping comments, quotes and order', () => {
    const before = `apiVersion: v1
kind: Pod
metadata:
  name: web # the name
  annotations: {team: 'a', "note": "x"}
spec:
  containers:
  - name: app   # main
    image: "nginx:1.27"
    args: ['--port', "8080"]
`;
    const after = edit(before, [{ op: 'set', path: [...c0, 'securityContext', 'allowPrivilegeEscalation'], value: false }]);
    assert.equal(
      after,
      `apiVersion: v1
kind: Pod
metadata:
  name: web # the name
  annotations: {team: 'a', "note": "x"}
spec:
  containers:
  - name: app   # main
    image: "nginx:1.27"
    args: ['--port', "8080"]
    securityContext:
      allowPrivilegeEscalation: false
`,
    );
    assertOnlyAdded(before, after);
  });

  test('adds a key to an existing block map after its last entry (before trailing comments of the parent)', () => {
    const before = `spec:
  securityContext:
    runAsUser: 1000   # uid
  # a comment about containers
  containers:
    - name: a
`;
    const after = edit(before, [{ op: 'set', path: ['spec', 'securityContext', 'seccompProfile'], value: { type: 'RuntimeDefault' } }]);
    assert.equal(
      after,
      `spec:
  securityContext:
    runAsUser: 1000   # uid
    seccompProfile:
      type: RuntimeDefault
  # a comment about containers
  containers:
    - name: a
`,
    );
  });

  test('follows the indentation step of the document (4 spaces)', () => {
    const before = `spec:
    containers:
        -   name: a
            image: x
`;
    const after = edit(before, [{ op: 'append', path: [...c0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' }]);
    assert.equal(
      after,
      `spec:
    containers:
        -   name: a
            image: x
            securityContext:
                capabilities:
                    drop:
                        - ALL
`,
    );
  });

  test('new sequences follow the habit of the surrounding map (dash at key column)', () => {
    const before = `spec:
  template:
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 80
      volumes:
      - name: data
        emptyDir: {}
`;
    const after = edit(before, [
      { op: 'append', path: ['spec', 'template', 'spec', 'containers', 0, 'volumeMounts'], value: { name: 'tmp', mountPath: '/tmp' } },
      { op: 'append', path: ['spec', 'template', 'spec', 'volumes'], value: { name: 'tmp', emptyDir: {} } },
    ]);
    assert.equal(
      after,
      `spec:
  template:
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 80
        volumeMounts:
        - name: tmp
          mountPath: /tmp
      volumes:
      - name: data
        emptyDir: {}
      - name: tmp
        emptyDir: {}
`,
    );
    assertOnlyAdded(before, after);
  });

  test('an empty {} placeholder becomes a block map; a comment after it stays on the key line', () => {
    const before = `spec:
  securityContext: {}  # fill me
  containers:
  - name: a
    securityContext: {}
`;
    const after = edit(before, [
      { op: 'set', path: ['spec', 'securityContext', 'runAsNonRoot'], value: true },
      { op: 'set', path: [...c0, 'securityContext', 'readOnlyRootFilesystem'], value: true },
    ]);
    assert.equal(
      after,
      `spec:
  securityContext:  # fill me
    runAsNonRoot: true
  containers:
  - name: a
    securityContext:
      readOnlyRootFilesystem: true
`,
    );
  });

  test('a key with no value (or null, or ~) gets one', () => {
    const before = `spec:
  securityContext:
  hostNetwork: null
  containers:
  - name: a
    securityContext: ~
`;
    const after = edit(before, [
      { op: 'set', path: ['spec', 'securityContext', 'runAsNonRoot'], value: true },
      { op: 'set', path: ['spec', 'hostNetwork'], value: false },
      { op: 'append', path: [...c0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' },
    ]);
    assert.equal(
      after,
      `spec:
  securityContext:
    runAsNonRoot: true
  hostNetwork: false
  containers:
  - name: a
    securityContext:
      capabilities:
        drop:
        - ALL
`,
    );
  });

  test('a block scalar as last value: new entries go after its content, its value unchanged', () => {
    const before = `spec:
  containers:
  - name: a
    command:
    - sh
    - -c
    - |
      echo hello

  # end
`;
    const after = edit(before, [{ op: 'set', path: [...c0, 'securityContext', 'runAsNonRoot'], value: true }]);
    assert.equal((parse(after) as { spec: { containers: Array<{ command: string[] }> } }).spec.containers[0].command[2], 'echo hello\n');
    assertOnlyAdded(before, after);
  });
});

describe('yaml-edit: flow style and JSON', () => {
  test('a non-empty flow map stays flow', () => {
    const before = `spec:
  containers:
  - name: a
    securityContext: {runAsUser: 1000}
    resources: { limits: { memory: 1Gi } }
`;
    const after = edit(before, [
      { op: 'set', path: [...c0, 'securityContext', 'allowPrivilegeEscalation'], value: false },
      { op: 'append', path: [...c0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' },
      { op: 'set', path: [...c0, 'resources', 'limits', 'cpu'], value: '1' },
    ]);
    assert.equal(
      after,
      `spec:
  containers:
  - name: a
    securityContext: {runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    resources: { limits: { memory: 1Gi, cpu: "1" } }
`,
    );
  });

  test('flow sequences: append and remove keep the brackets', () => {
    const before = `spec:
  containers:
  - name: a
    securityContext:
      capabilities: {add: [CHOWN, NET_BIND_SERVICE, SETUID], drop: [NET_RAW]}
`;
    const after = edit(before, [
      { op: 'append', path: [...c0, 'securityContext', 'capabilities', 'drop'], value: 'ALL' },
      { op: 'remove-item', path: [...c0, 'securityContext', 'capabilities', 'add'], value: 'CHOWN' },
      { op: 'remove-item', path: [...c0, 'securityContext', 'capabilities', 'add'], value: 'SETUID' },
    ]);
    assert.match(after, /capabilities: \{add: \[NET_BIND_SERVICE\], drop: \[NET_RAW, ALL\]\}/);
  });

  test('pretty-printed JSON stays valid JSON with its indentation', () => {
    const before = `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "p"
  },
  "spec": {
    "containers": [
      {
        "name": "a",
        "image": "nginx:1.27",
        "securityContext": {}
      }
    ]
  }
}
`;
    const after = edit(before, [
      { op: 'set', path: [...c0, 'securityContext', 'runAsNonRoot'], value: true },
      { op: 'set', path: [...c0, 'securityContext', 'allowPrivilegeEscalation'], value: false },
      { op: 'set', path: ['spec', 'securityContext'], value: { seccompProfile: { type: 'RuntimeDefault' } } },
    ]);
    assert.deepEqual(JSON.parse(after), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'a', image: 'nginx:1.27', securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }],
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      },
    });
    assert.equal(
      after,
      `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "p"
  },
  "spec": {
    "containers": [
      {
        "name": "a",
        "image": "nginx:1.27",
        "securityContext": {
          "runAsNonRoot": true,
          "allowPrivilegeEscalation": false
        }
      }
    ],
    "securityContext": {
      "seccompProfile": {
        "type": "RuntimeDefault"
      }
    }
  }
}
`,
    );
  });
});

describe('yaml-edit: overwrite, removal, anchors, safety', () => {
  test('overwrite keeps the quoting style of the scalar it replaces', () => {
    const before = `spec:
  hostNetwork: true   # why?
  containers:
  - name: a
    image: 'nginx'
    imagePullPolicy: "IfNotPresent"
`;
    const after = edit(before, [
      { op: 'set', path: ['spec', 'hostNetwork'], value: false, overwrite: true },
      { op: 'set', path: [...c0, 'image'], value: 'nginx:1.27', overwrite: true },
      { op: 'set', path: [...c0, 'imagePullPolicy'], value: 'Always', overwrite: true },
    ]);
    assert.equal(
      after,
      `spec:
  hostNetwork: false   # why?
  containers:
  - name: a
    image: 'nginx:1.27'
    imagePullPolicy: "Always"
`,
    );
  });

  test('set never overrides an explicit value unless asked', () => {
    const text = `spec:\n  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: true\n`;
    const r = editDocumentText(text, [{ op: 'set', path: [...c0, 'securityContext', 'allowPrivilegeEscalation'], value: false }]);
    assert.equal(r.results[0].outcome, 'kept');
    assert.match(r.results[0].reason ?? '', /already set to true/);
    assert.equal(r.text, text);
  });

  test('block list: removing an item removes its lines; removing the last leaves []', () => {
    const before = `caps:
  add:
    - CHOWN   # for the entrypoint
    - NET_BIND_SERVICE
  drop:
  - all
other: 1
`;
    const after = edit(before, [
      { op: 'remove-item', path: ['caps', 'add'], value: 'CHOWN' },
      { op: 'remove-item', path: ['caps', 'drop'], value: 'all' },
    ]);
    assert.equal(after, `caps:\n  add:\n    - NET_BIND_SERVICE\n  drop: []\nother: 1\n`);
  });

  test('append is idempotent; set of an equal value is unchanged', () => {
    const text = `a:\n  drop: [ALL]\n  b: 1\n`;
    const r = editDocumentText(text, [
      { op: 'append', path: ['a', 'drop'], value: 'ALL' },
      { op: 'set', path: ['a', 'b'], value: 1 },
    ]);
    assert.deepEqual(r.results.map((x) => x.outcome), ['unchanged', 'unchanged']);
    assert.equal(r.text, text);
  });

  test('anchors are preserved; an anchored node that an alias shares is not edited', () => {
    const before = `common: &sc
  runAsUser: 1000
spec:
  containers:
  - name: a
    securityContext: *sc
  - name: b
    securityContext: &own
      runAsUser: 2000
`;
    const r = editDocumentText(before, [
      { op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], value: true },
      { op: 'set', path: ['common', 'runAsNonRoot'], value: true },
      { op: 'set', path: ['spec', 'containers', 1, 'securityContext', 'runAsNonRoot'], value: true },
    ]);
    assert.equal(r.results[0].outcome, 'refused');
    assert.match(r.results[0].reason ?? '', /alias \(\*sc\)/);
    assert.equal(r.results[1].outcome, 'refused');
    assert.match(r.results[1].reason ?? '', /anchor &sc/);
    assert.equal(r.results[2].outcome, 'applied');
    assert.equal(
      r.text,
      `common: &sc
  runAsUser: 1000
spec:
  containers:
  - name: a
    securityContext: *sc
  - name: b
    securityContext: &own
      runAsUser: 2000
      runAsNonRoot: true
`,
    );
  });

  test('strings that YAML 1.1 would misread are quoted', () => {
    const after = edit(`a: {}\n`, [
      { op: 'set', path: ['a', 'x'], value: 'yes' },
      { op: 'set', path: ['a', 'y'], value: '0755' },
      { op: 'set', path: ['a', 'z'], value: 'RuntimeDefault' },
      { op: 'set', path: ['a', 'w'], value: 'a: b' },
    ]);
    assert.equal(after, `a:\n  x: "yes"\n  "y": "0755"\n  z: RuntimeDefault\n  w: "a: b"\n`);
  });

  test('a path through a scalar is impossible, a missing list item is refused', () => {
    const r = editDocumentText(`spec: 3\nlist: [a]\n`, [
      { op: 'set', path: ['spec', 'x'], value: 1 },
      { op: 'set', path: ['list', 4, 'x'], value: 1 },
    ]);
    assert.equal(r.results[0].outcome, 'impossible');
    assert.notEqual(r.results[1].outcome, 'applied');
    assert.equal(r.text, `spec: 3\nlist: [a]\n`);
  });

  test('duplicate keys: the last one (the one the API server reads) is edited', () => {
    const after = edit(`spec:\n  securityContext: {}\n  securityContext:\n    runAsUser: 1\n`, [{ op: 'set', path: ['spec', 'securityContext', 'runAsNonRoot'], value: true }]);
    assert.equal(after, `spec:\n  securityContext: {}\n  securityContext:\n    runAsUser: 1\n    runAsNonRoot: true\n`);
  });
});

describe('file edits', () => {
  test('multi-document: only the edited document changes; separators, comments and the others stay byte-identical', () => {
    const docs = [
      `# leading comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: "v"   # kept\n`,
      `--- # second\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n`,
      `---\n\n# third, with a document end\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n...\n`,
    ];
    const text = docs.join('');
    const r = editFileText(text, new Map([[1, [{ op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], value: true }] as RemediationOp[]]]));
    assert.equal(r.error, undefined);
    assert.ok(r.changed);
    assert.ok(r.text.startsWith(docs[0]), 'first document identical');
    assert.ok(r.text.endsWith(docs[2]), 'last document identical');
    assert.equal(r.text, docs[0] + docs[1] + '    securityContext:\n      runAsNonRoot: true\n' + docs[2]);
    assert.equal(parseAllDocuments(r.text).length, 3);
  });

  test('CRLF files get CRLF lines; a file without a final newline stays without one', () => {
    const text = 'spec:\r\n  containers:\r\n  - name: a\r\n    image: x';
    const r = editFileText(text, new Map([[0, [{ op: 'set', path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], value: true }] as RemediationOp[]]]));
    assert.equal(r.text, 'spec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n    securityContext:\r\n      runAsNonRoot: true');
  });

  test('List items are edited inside the list', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers:
    - name: a
      image: x
`;
    const r = editFileText(text, new Map([[0, [{ op: 'set', path: ['items', 0, 'spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], value: false }] as RemediationOp[]]]));
    assert.equal(r.text, text + '      securityContext:\n        allowPrivilegeEscalation: false\n');
  });

  test('an indented document after --- keeps its indentation', () => {
    const text = `---\n  apiVersion: v1\n  kind: Pod\n  spec:\n    containers:\n    - name: a\n`;
    const r = editFileText(text, new Map([[0, [{ op: 'set', path: ['spec', 'hostPID'], value: false }] as RemediationOp[]]]));
    assert.equal(r.text, text + '    hostPID: false\n');
  });
});
