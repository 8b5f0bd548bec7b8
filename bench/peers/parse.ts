/**
 * Parsers of each tool's JSON output into verdicts: (tool, check id, object, result, containers).
 * Object identity is corpus-relative file + kind + namespace (absent = "default") + name; see
 * corpus.objectKey. A verdict's `containers` lists the failing containers when the tool says which.
 */
import { posix } from 'node:path';
import { asList, asMap, objectKey, type JsonMap } from './corpus.js';

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
