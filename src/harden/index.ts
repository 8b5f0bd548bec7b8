/**
 * `harden`: one application, zero trust in one step, as reviewable output.
 *
 *   1. Namespace: objects without one go to --namespace; Namespace objects of the input get
 *      Pod Security Admission labels (enforce/audit/warn at the chosen level); namespaces the
 *      objects use but the input does not define are generated with those labels.
 *   2. ServiceAccounts: a dedicated account per workload on `default`, no token automount.
 *   3. Workloads: the remediations of every finding (as `fix --overwrite --pss LEVEL`).
 *   4. NetworkPolicies: default deny ingress and egress, DNS, then the rules implied by the
 *      Services (and --allow / a connectivity file).
 *   5. Verification: the output is scanned with --pss LEVEL; what is left is reported.
 *
 * Input files keep their names and layout under the output directory (edited minimally);
 * generated objects go to 00-kubeharden-namespaces.yaml, 10-kubeharden-serviceaccounts.yaml
 * and 20-kubeharden-networkpolicies.yaml, which sort first so `kubectl apply -f DIR` creates
 * the namespace before anything that lives in it.
 */
import { append } from '../load/append.js';
import { dirname, isAbsolute, relative, resolve, sep, basename } from 'node:path';
import type { Config } from '../engine/config.js';
import { isClusterScoped } from '../engine/object-index.js';
import { prepareRun, scanObjects } from '../engine/scan.js';
import { severityRank, type Check, type Finding, type RemediationOp } from '../engine/types.js';
import { parseManifestText } from '../load/documents.js';
import type { InputError, LoadedObject } from '../load/types.js';
import { editFileText } from '../fix/file.js';
import { fixTexts, type Remaining } from '../fix/index.js';
import type { SourceFile } from '../fix/io.js';
import type { AllowRule } from '../generate/connectivity.js';
import { emitYaml, type Generated } from '../generate/emit.js';
import { isSystemNamespace, namespacesOf } from '../generate/model.js';
import { namespaceObject, pssLabels } from '../generate/namespace.js';
import type { PssPolicy } from '../pss/types.js';
import { formatPssVersion } from '../pss/version.js';
import { generateNetworkPolicies } from '../generate/networkpolicies.js';
import { planServiceAccounts } from '../generate/serviceaccounts.js';

export interface HardenOptions {
  /** Namespace for the objects that set none (also generated, with PSA labels). */
  namespace?: string;
  /** The level to meet and enforce, and the enforce-version label (default restricted:latest). */
  pss?: PssPolicy;
  /** The checks to fix and verify with (the CLI passes the registry's). */
  checks: readonly Check[];
  /** Every registered check, to validate the config's ids and settings against (default: checks). */
  catalog?: readonly Check[];
  allow?: readonly AllowRule[];
  /** Service-implied NetworkPolicy rules (default true). */
  serviceRules?: boolean;
  config?: Config;
  /** Header line of generated files (tool and version). */
  generator?: string;
}

export interface OutputFile {
  /** Path relative to the output directory. */
  path: string;
  text: string;
  /** The input file it comes from (undefined for generated files). */
  source?: string;
  /** For inputs: whether anything changed. */
  changed?: boolean;
  /** Keep the input's byte-order mark. */
  bom?: boolean;
}

export interface HardenResult {
  files: OutputFile[];
  /** Findings of the input scan (same settings) that the output no longer has. */
  fixedCount: number;
  /** The verification scan of the output (unsuppressed findings). */
  verification: Finding[];
  remaining: Remaining[];
  notes: string[];
  errors: InputError[];
  generated: { namespaces: number; serviceAccounts: number; networkPolicies: number };
}

export const GENERATED_FILES = {
  namespaces: '00-kubeharden-namespaces.yaml',
  serviceAccounts: '10-kubeharden-serviceaccounts.yaml',
  networkPolicies: '20-kubeharden-networkpolicies.yaml',
} as const;

function loadAll(texts: ReadonlyMap<string, string>): { objects: LoadedObject[]; errors: InputError[] } {
  const objects: LoadedObject[] = [];
  const errors: InputError[] = [];
  for (const [file, text] of texts) {
    const r = parseManifestText(text, file);
    append(objects, r.objects);
    append(errors, r.errors);
  }
  return { objects, errors };
}

/** Output paths: inputs relative to their common directory (stdin becomes stdin.yaml). */
export function outputPaths(files: readonly string[]): Map<string, string> {
  const real = files.filter((f) => f !== '<stdin>').map((f) => resolve(f));
  let base = real.length ? dirname(real[0]) : process.cwd();
  for (const f of real) {
    while (!(f === base || f.startsWith(base.endsWith(sep) ? base : base + sep))) base = dirname(base);
  }
  const out = new Map<string, string>();
  for (const f of files) {
    if (f === '<stdin>') out.set(f, 'stdin.yaml');
    else {
      const rel = relative(base, resolve(f));
      out.set(f, rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(f));
    }
  }
  return out;
}

function groupOps(edits: ReadonlyArray<{ object: LoadedObject; ops: readonly RemediationOp[] }>): Map<string, Map<number, RemediationOp[]>> {
  const byFile = new Map<string, Map<number, RemediationOp[]>>();
  for (const e of edits) {
    const src = e.object.source;
    let docs = byFile.get(src.file);
    if (!docs) byFile.set(src.file, (docs = new Map()));
    const list = docs.get(src.documentIndex) ?? [];
    for (const op of e.ops) list.push({ ...op, path: [...src.itemPath, ...op.path] } as RemediationOp);
    docs.set(src.documentIndex, list);
  }
  return byFile;
}

export function harden(sources: readonly SourceFile[], opts: HardenOptions): HardenResult {
  const pss: PssPolicy = opts.pss ?? { level: 'restricted', version: 'latest' };
  const { level } = pss;
  const version = formatPssVersion(pss.version);
  const notes: string[] = [];
  const errors: InputError[] = [];
  const texts = new Map(sources.map((s) => [s.file, s.text]));
  const initial = loadAll(texts);
  errors.push(...initial.errors);
  const run = prepareRun({ checks: opts.checks, catalog: opts.catalog, config: opts.config, settings: { pss } });
  const initialFindings = scanObjects(initial.objects, { run }).findings.filter((f) => !f.suppressed);

  // 1 + 2: namespace placement, PSA labels on the input's Namespaces, dedicated ServiceAccounts.
  const edits: Array<{ object: LoadedObject; ops: RemediationOp[] }> = [];
  if (opts.namespace) {
    for (const o of initial.objects) {
      if (!isClusterScoped(o.kind) && o.namespace === undefined) edits.push({ object: o, ops: [{ op: 'set', path: ['metadata', 'namespace'], value: opts.namespace }] });
    }
  }
  const labels = pssLabels(level, version);
  const definedNamespaces = new Set<string>();
  for (const o of initial.objects) {
    if (o.kind !== 'Namespace') continue;
    definedNamespaces.add(o.name);
    if (isSystemNamespace(o.name)) {
      notes.push(`Namespace ${o.name} belongs to the cluster: not labelled`);
      continue;
    }
    edits.push({ object: o, ops: Object.entries(labels).map(([k, v]) => ({ op: 'set' as const, path: ['metadata', 'labels', k], value: v, overwrite: true })) });
  }
  const sa = planServiceAccounts(initial.objects, { namespace: opts.namespace });
  notes.push(...sa.notes);
  edits.push(...sa.edits);
  for (const [file, opsByDoc] of groupOps(edits)) {
    const text = texts.get(file);
    if (text === undefined) continue;
    const r = editFileText(text, opsByDoc);
    if (r.error) errors.push({ file, message: `not hardened: ${r.error}` });
    for (const d of r.documents) {
      for (const res of d.results) if (res.outcome === 'refused' || res.outcome === 'impossible') notes.push(`${file}: document ${d.documentIndex + 1}: ${res.reason ?? res.outcome}`);
    }
    texts.set(file, r.text);
  }

  // 3: the fixes, including those that override explicit values and the PSS ones.
  const fixed = fixTexts([...texts].map(([file, text]) => ({ file, text })), { overwrite: true, scan: { run } });
  for (const f of fixed.files) texts.set(f.file, f.after);
  errors.push(...fixed.errors.filter((e) => !initial.errors.some((i) => i.file === e.file && i.message === e.message)));

  // 4: generated objects, from the edited objects (their namespaces are now final).
  const edited = loadAll(texts).objects;
  const generatedNs: Generated[] = [];
  for (const ns of namespacesOf(edited)) {
    if (!ns) {
      notes.push('some objects have no namespace: they land in whatever namespace you apply them to; label that namespace yourself or use --namespace');
      continue;
    }
    if (definedNamespaces.has(ns)) continue;
    if (isSystemNamespace(ns)) {
      notes.push(`objects in namespace ${ns}: kubeharden does not label cluster namespaces; move the application with --namespace`);
      continue;
    }
    generatedNs.push(namespaceObject(ns, level, version));
  }
  const netpol = generateNetworkPolicies(edited, { allow: opts.allow, fromServices: opts.serviceRules !== false });
  notes.push(...netpol.notes);

  const header = (what: string): string => `${opts.generator ?? 'Generated by kubeharden'} (harden): ${what}.\nReview before applying; re-running harden regenerates this file.`;
  const paths = outputPaths(sources.map((s) => s.file));
  const files: OutputFile[] = [];
  if (generatedNs.length) files.push({ path: GENERATED_FILES.namespaces, text: emitYaml(generatedNs, header('Namespaces with Pod Security Admission labels')) });
  if (sa.serviceAccounts.length) files.push({ path: GENERATED_FILES.serviceAccounts, text: emitYaml(sa.serviceAccounts, header('dedicated ServiceAccounts, no API token mounted')) });
  if (netpol.policies.length) files.push({ path: GENERATED_FILES.networkPolicies, text: emitYaml(netpol.policies, header('default-deny NetworkPolicies and the connections the application needs')) });
  const generatedPaths = new Set(files.map((f) => f.path));
  for (const s of sources) {
    const path = paths.get(s.file) ?? basename(s.file);
    if (generatedPaths.has(path)) {
      errors.push({ file: s.file, message: `its output path ${path} is a file harden generates; rename the input` });
      continue;
    }
    const text = texts.get(s.file) ?? s.text;
    files.push({ path, text, source: s.file, changed: text !== s.text, bom: s.bom });
  }

  // 5: verification, on exactly what is written.
  const out = loadAll(new Map(files.map((f) => [f.path, f.text])));
  const verification = scanObjects(out.objects, { run }).findings.filter((f) => !f.suppressed);
  const remaining: Remaining[] = verification.map((f) => {
    const r = fixed.remaining.find((x) => x.finding.check === f.check && x.finding.object.name === f.object.name && x.finding.object.kind === f.object.kind && x.finding.container === f.container);
    return r ? { ...r, finding: f } : { finding: f, reason: f.fix ? 'the fix did not resolve it' : `no automatic fix: ${f.remediation}` };
  });
  const finalKeys = new Set(verification.map((f) => `${f.check}\u0000${f.object.kind}\u0000${f.object.name}\u0000${f.container ?? ''}`));
  const fixedCount = initialFindings.filter((f) => !finalKeys.has(`${f.check}\u0000${f.object.kind}\u0000${f.object.name}\u0000${f.container ?? ''}`)).length;
  return {
    files,
    fixedCount,
    verification,
    remaining,
    notes: [...new Set(notes)],
    errors,
    generated: { namespaces: generatedNs.length, serviceAccounts: sa.serviceAccounts.length, networkPolicies: netpol.policies.length },
  };
}

/** True when the output meets the bar: no PSS finding and nothing at or above `failOn`. */
export function hardenPasses(verification: readonly Finding[], failOn: 'low' | 'medium' | 'high' | 'critical' = 'high'): boolean {
  return !verification.some((f) => f.check.startsWith('PSS-') || severityRank(f.severity) >= severityRank(failOn));
}
