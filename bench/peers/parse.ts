/**
 * Parsers of each tool's JSON output into verdicts: (tool, check id, object, result, containers).
 * Object identity is corpus-relative file + kind + namespace (absent = "default") + name; see
 * corpus.objectKey. A verdict's `containers` lists the failing containers when the tool says which.
 */
import { posix } from 'node:path';
import { asList, asMap, objectKey, type CorpusObject, type JsonMap } from './corpus.js';

export interface Verdict {
  check: string;
  key: string;
  fail: boolean;
  /** Failing containers when the tool names them ('' = a pod-level finding). */
  containers?: string[];
  /** Tool's own words (message / comment summaries), for the report. */
  notes?: string[];
}

/** Verdicts of one tool, by check id then object key. */
export type VerdictIndex = Map<string, Map<string, Verdict>>;

function add(idx: VerdictIndex, v: Verdict): void {
  let m = idx.get(v.check);
  if (!m) idx.set(v.check, (m = new Map()));
  const old = m.get(v.key);
  if (!old) {
    m.set(v.key, v);
    return;
  }
  // Several results for one object (e.g. one per container): fail wins, containers merge.
  old.fail = old.fail || v.fail;
  if (v.containers) old.containers = [...new Set([...(old.containers ?? []), ...v.containers])];
  if (v.notes) old.notes = [...(old.notes ?? []), ...v.notes];
}

const norm = (file: string): string => posix.normalize(file.replace(/\\/g, '/')).replace(/^(\.\/|\/)+/, '');

const FATAL_INPUT_ERROR = /unrendered Helm template|invalid YAML|cannot parse|not valid UTF-8|binary file|limit \(--max-file-size\)|cannot read/i;

/** kubeharden `scan -o json` run with the corpus as the working directory: findings only (fail verdicts). */
export function parseKubeharden(text: string, fileOf: (f: string) => string = norm): { idx: VerdictIndex; errorFiles: Set<string> } {
  const r = JSON.parse(text) as JsonMap;
  const idx: VerdictIndex = new Map();
  for (const f of asList(r.findings)) {
    const m = asMap(f);
    const o = asMap(m?.object);
    if (!m || !o || m.suppressed) continue;
    const file = fileOf(String(m.file));
    add(idx, {
      check: String(m.check),
      key: objectKey(file, String(o.kind), typeof o.namespace === 'string' ? o.namespace : undefined, String(o.name)),
      fail: true,
      containers: [typeof m.container === 'string' ? m.container : ''],
      notes: [String(m.message)],
    });
  }
  // Files kubeharden could not read at all (not a duplicate key or one non-Kubernetes document).
  const errorFiles = new Set<string>();
  for (const e of asList(r.errors)) {
    const m = asMap(e);
    if (m && typeof m.file === 'string' && FATAL_INPUT_ERROR.test(String(m.message))) errorFiles.add(fileOf(m.file));
  }
  return { idx, errorFiles };
}

/** Checkov `-o json` (one framework: an object; several: a list): passed and failed checks per resource. */
export function parseCheckov(text: string): VerdictIndex {
  const idx: VerdictIndex = new Map();
  const data = JSON.parse(text) as unknown;
  const reports = Array.isArray(data) ? data : [data];
  for (const rep of reports) {
    const results = asMap(asMap(rep)?.results);
    if (!results) continue;
    for (const [list, fail] of [['passed_checks', false], ['failed_checks', true]] as const) {
      for (const c of asList(results[list])) {
        const m = asMap(c);
        if (!m || typeof m.resource !== 'string') continue;
        // resource is Kind.namespace.name; kinds and namespaces have no dots, names may.
        const [kind, ns, ...rest] = m.resource.split('.');
        const keys = asList(asMap(m.check_result)?.evaluated_keys).map(String);
        add(idx, { check: String(m.check_id), key: objectKey(norm(String(m.file_path)), kind, ns, rest.join('.')), fail, notes: fail ? keys : undefined });
      }
    }
  }
  return idx;
}

/**
 * kube-score `score -o json` for one file (its own file_name is the Helm `# Source:` comment, so
 * the caller passes the real file). Skipped checks give no verdict; grade 10 is a pass; comments
 * name the container in `path`.
 */
export function parseKubeScore(text: string, file: string, into: VerdictIndex = new Map()): VerdictIndex {
  for (const o of asList(JSON.parse(text) as unknown)) {
    const m = asMap(o);
    if (!m) continue;
    const tm = asMap(m.type_meta);
    const om = asMap(m.object_meta);
    const key = objectKey(norm(file), String(tm?.kind), typeof om?.namespace === 'string' ? om.namespace : undefined, String(om?.name));
    for (const c of asList(m.checks)) {
      const cm = asMap(c);
      const check = asMap(cm?.check);
      if (!cm || !check || cm.skipped === true) continue;
      const fail = typeof cm.grade === 'number' && cm.grade < 10;
      const comments = asList(cm.comments).map((x) => asMap(x)).filter((x): x is JsonMap => !!x);
      add(into, {
        check: String(check.id),
        key,
        fail,
        containers: fail ? [...new Set(comments.map((x) => String(x.path ?? '')))] : undefined,
        notes: fail ? comments.map((x) => `${String(x.path ?? '')}: ${String(x.summary ?? '')}`) : undefined,
      });
    }
  }
  return into;
}

/**
 * kube-linter `lint --format json`: {Reports: [{Check, Diagnostic: {Message}, Object: {Metadata: {FilePath},
 * K8sObject: {Namespace, Name, GroupVersionKind: {Kind}}}}]}. Failures only. Written against the
 * documented format; not exercised here while the Go proxy refuses kube-linter.
 */
export function parseKubeLinter(text: string, fileOf: (f: string) => string = norm): VerdictIndex {
  const into: VerdictIndex = new Map();
  const r = asMap(JSON.parse(text) as unknown);
  for (const rep of asList(r?.Reports)) {
    const m = asMap(rep);
    const obj = asMap(m?.Object);
    const k8s = asMap(obj?.K8sObject);
    const gvk = asMap(k8s?.GroupVersionKind);
    if (!m || !k8s) continue;
    const msg = String(asMap(m.Diagnostic)?.Message ?? '');
    const ctr = /container "([^"]+)"/.exec(msg)?.[1];
    add(into, {
      check: String(m.Check),
      key: objectKey(fileOf(String(asMap(obj?.Metadata)?.FilePath ?? '')), String(gvk?.Kind), typeof k8s.Namespace === 'string' ? k8s.Namespace : undefined, String(k8s.Name)),
      fail: true,
      containers: [ctr ?? ''],
      notes: [msg],
    });
  }
  return into;
}

/**
 * Polaris `audit --format json`: {Results: [{Name, Namespace, Kind, Results: {id: {Success}},
 * PodResult: {Results, ContainerResults: [{Name, Results}]}}]}. Polaris reports no file, so the
 * caller resolves (kind, namespace, name) to a file. Not exercised here (Go proxy refuses Polaris).
 */
export function parsePolaris(text: string, fileOf: (kind: string, ns: string | undefined, name: string) => string): VerdictIndex {
  const into: VerdictIndex = new Map();
  const r = asMap(JSON.parse(text) as unknown);
  for (const res of asList(r?.Results)) {
    const m = asMap(res);
    if (!m) continue;
    const kind = String(m.Kind);
    const ns = typeof m.Namespace === 'string' && m.Namespace ? m.Namespace : undefined;
    const name = String(m.Name);
    const key = objectKey(fileOf(kind, ns, name), kind, ns, name);
    const emit = (results: unknown, container: string | undefined): void => {
      for (const [id, v] of Object.entries(asMap(results) ?? {})) {
        const vm = asMap(v);
        if (!vm) continue;
        const fail = vm.Success === false;
        add(into, { check: id, key, fail, containers: fail ? [container ?? ''] : undefined, notes: fail ? [String(vm.Message ?? '')] : undefined });
      }
    };
    emit(m.Results, undefined);
    const pod = asMap(m.PodResult);
    emit(pod?.Results, undefined);
    for (const c of asList(pod?.ContainerResults)) {
      const cm = asMap(c);
      if (cm) emit(cm.Results, String(cm.Name));
    }
  }
  return into;
}

/** Trivy's check id as the catalogue spells it: KSV-0011 → KSV011, KSV-0108 → KSV108, KSV-01010 → KSV01010. */
export function trivyCheckId(id: string): string {
  const m = /^([A-Z]+)-(\d+)$/.exec(id);
  if (!m) return id;
  return `${m[1]}${m[2].length === 4 && m[2].startsWith('0') ? m[2].slice(1) : m[2]}`;
}

const span = (o: CorpusObject): number => (o.lines ? o.lines[1] - o.lines[0] : Infinity);

/** The container a Trivy message names: "Container 'x' of …", "container \"x\" of …", "Container x in …". */
const TRIVY_CONTAINER = /\bcontainer ['"]?([^'"\s]+)['"]? (?:of|in)\b/i;

/**
 * Trivy `config --format json --include-non-failures`: {Results: [{Target, Misconfigurations: [{ID,
 * Status, Message, CauseMetadata: {StartLine, EndLine}}]}]}. A FAIL locates its object by the
 * lines of the cause and most messages name it ("Container 'c' of Deployment 'd' …", "deployment d
 * in default namespace …"). A PASS is per file and check ("no object of this file fails it"): it
 * becomes a pass for each object of the file of a kind the check reads, as seen in the run: the
 * kinds it failed anywhere and those of `related` (the objects kubeharden's mapped checks failed:
 * the only hint for a check that fails nothing on the corpus); every pod-bearing kind when one of
 * those has a pod. So objects a check never reads are not counted as agreements.
 */
export function parseTrivy(
  text: string,
  objects: ReadonlyMap<string, CorpusObject>,
  related: (check: string) => readonly CorpusObject[] = () => [],
  fileOf: (f: string) => string = norm,
): { idx: VerdictIndex; unplaced: string[] } {
  const byFile = new Map<string, CorpusObject[]>();
  for (const o of objects.values()) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o]);
  const idx: VerdictIndex = new Map();
  const unplaced: string[] = [];
  const passedFiles = new Map<string, Set<string>>();
  // Trivy's cause lines drift in long multi-document files (argo-cd's install.yaml: a ClusterRole's
  // findings point at the end of the Role before it), so the object the message names wins. A
  // message naming none (KSV044 "Role permits wildcard verb …") takes the object another finding
  // with the same cause lines names; only then the lines decide (largest overlap), else the file's
  // only pod.
  const named = (file: string, message: string): CorpusObject[] =>
    (byFile.get(file) ?? []).filter((o) => new RegExp(`\\b${o.kind}\\b ['"]?${o.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?(?:\\s|$)`, 'i').test(message));
  interface Failure {
    file: string;
    check: string;
    message: string;
    lines?: [number, number];
  }
  const failures: Failure[] = [];
  for (const res of asList(asMap(JSON.parse(text) as unknown)?.Results)) {
    const r = asMap(res);
    if (!r || r.Class !== 'config') continue;
    const file = fileOf(String(r.Target));
    for (const mc of asList(r.Misconfigurations)) {
      const m = asMap(mc);
      if (!m) continue;
      const check = trivyCheckId(String(m.ID));
      if (m.Status === 'PASS') passedFiles.set(check, (passedFiles.get(check) ?? new Set()).add(file));
      if (m.Status !== 'FAIL') continue;
      const cause = asMap(m.CauseMetadata);
      const lines: [number, number] | undefined = typeof cause?.StartLine === 'number' ? [cause.StartLine, typeof cause.EndLine === 'number' ? cause.EndLine : cause.StartLine] : undefined;
      failures.push({ file, check, message: String(m.Message ?? ''), lines });
    }
  }
  const causeKey = (f: Failure): string => `${f.file}:${f.lines?.join('-')}`;
  const namedAt = new Map<string, CorpusObject>();
  for (const f of failures) {
    const n = named(f.file, f.message);
    if (f.lines && n.length === 1) namedAt.set(causeKey(f), n[0]);
  }
  const place = (f: Failure): CorpusObject | undefined => {
    const n = named(f.file, f.message);
    if (n.length === 1) return n[0];
    if (n.length === 0 && f.lines && namedAt.has(causeKey(f))) return namedAt.get(causeKey(f));
    const pool = n.length ? n : (byFile.get(f.file) ?? []);
    const lines = f.lines;
    if (lines) {
      const overlap = (o: CorpusObject): number => (o.lines ? Math.min(o.lines[1], lines[1]) - Math.max(o.lines[0], lines[0]) + 1 : 0);
      // Largest overlap; among equals the innermost (a List item before its List).
      const best = pool.filter((o) => overlap(o) > 0).sort((a, b) => overlap(b) - overlap(a) || span(a) - span(b))[0];
      if (best) return best;
    }
    const pods = pool.filter((o) => o.pod);
    return pods.length === 1 ? pods[0] : undefined;
  };
  for (const f of failures) {
    const o = place(f);
    if (!o) unplaced.push(`${f.file}: ${f.check} ${f.message}`);
    else add(idx, { check: f.check, key: o.key, fail: true, containers: [TRIVY_CONTAINER.exec(f.message)?.[1] ?? ''], notes: [f.message] });
  }
  // Every object of a file the check was run on (a PASS, or a FAIL on another object) that it did
  // not fail, and that is of a kind it reads, passes.
  const checks = new Set([...passedFiles.keys(), ...idx.keys()]);
  for (const check of checks) {
    const failed = [...(idx.get(check)?.values() ?? [])].map((v) => objects.get(v.key)).filter((o): o is CorpusObject => !!o);
    const reads = [...failed, ...related(check)];
    const kinds = new Set(reads.map((o) => o.kind));
    const pods = reads.some((o) => o.pod);
    for (const file of new Set([...(passedFiles.get(check) ?? []), ...failed.map((o) => o.file)])) {
      for (const o of byFile.get(file) ?? []) {
        if (!idx.get(check)?.has(o.key) && (kinds.has(o.kind) || (pods && o.pod))) add(idx, { check, key: o.key, fail: false });
      }
    }
  }
  return { idx, unplaced };
}

/** Container paths in Kyverno's field error list: spec[.template.spec|.jobTemplate.spec.template.spec].<kind>[i]. */
const KYVERNO_CONTAINER_PATH = /\b(containers|initContainers|ephemeralContainers)\[(\d+)\]/g;

/**
 * Kyverno `apply --policy-report --output-format json` with the podSecurity rule. The report names
 * objects, not files: `fileOf` gives the file of (kind, namespace, name) among the files of the
 * run, which the caller keeps unambiguous. Each result is a report result on one subject;
 * `properties.controls` lists the failing Pod Security check ids (PSA's, e.g.
 * "allowPrivilegeEscalation,runAsNonRoot") in the order of the "(Forbidden reason: …)" parts of
 * the message, whose field paths name the containers by index. Every id of `controlIds` the result
 * does not fail is a pass.
 */
export function parseKyverno(
  text: string,
  fileOf: (kind: string, namespace: string, name: string) => string | undefined,
  objects: ReadonlyMap<string, CorpusObject>,
  controlIds: readonly string[],
  into: VerdictIndex = new Map(),
  /** Objects Kyverno reports an error on instead of a verdict (e.g. a field of the wrong type), with its message. */
  errors?: Map<string, string>,
): VerdictIndex {
  // The report is printed as one JSON document per line (namespaced reports after "---").
  const reports = text.split('\n').filter((l) => l.startsWith('{')).map((l) => asMap(JSON.parse(l) as unknown));
  for (const rep of reports) {
    for (const res of asList(rep?.results)) {
      const r = asMap(res);
      if (!r || (r.result !== 'pass' && r.result !== 'fail' && r.result !== 'error')) continue;
      const props = asMap(r.properties) ?? {};
      const failing = r.result === 'fail' && typeof props.controls === 'string' ? props.controls.split(',') : [];
      const parts = String(r.message ?? '').split('(Forbidden reason: ').slice(1);
      for (const subject of asList(r.subjects ?? r.resources)) {
        const s = asMap(subject);
        if (!s) continue;
        const ns = typeof s.namespace === 'string' && s.namespace ? s.namespace : 'default';
        const file = fileOf(String(s.kind), ns, String(s.name));
        if (file === undefined) continue;
        const key = objectKey(norm(file), String(s.kind), ns, String(s.name));
        if (r.result === 'error') {
          errors?.set(key, String(r.message ?? ''));
          continue;
        }
        const containers = objects.get(key)?.pod?.containers ?? [];
        for (const id of controlIds) {
          const i = failing.indexOf(id);
          if (i < 0) {
            add(into, { check: id, key, fail: false });
            continue;
          }
          const part = parts[i] ?? '';
          const names = [...part.matchAll(KYVERNO_CONTAINER_PATH)].map((m) => containers.find((c) => c.kind === m[1] && containers.filter((x) => x.kind === m[1]).indexOf(c) === Number(m[2]))?.name ?? `${m[1]}[${m[2]}]`);
          add(into, { check: id, key, fail: true, containers: names.length ? [...new Set(names)] : [''], notes: [part.replace(/\)$/, '').slice(0, 300)] });
        }
      }
    }
  }
  return into;
}
