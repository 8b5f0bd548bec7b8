/**
 * How the Kyverno CLI is run: `kyverno apply` of bench/peers/kyverno-pss.yaml (its built-in
 * podSecurity rule) on a list of YAML files, with the JSON policy report on standard output.
 *
 * Two limits of `kyverno apply` shape this:
 * - it loads every input object into a fake API client first, and panics when two objects share
 *   kind, namespace and name ("customresourcedefinitions ... already exists": the corpus holds
 *   argo-cd's install variants side by side), so the files go in batches in which each object is
 *   the only one of its identity, one `kyverno apply` per batch, one after another;
 * - its report names objects, not files, which the same batches make unambiguous.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type CorpusObject } from './corpus.js';
import { parseKyverno, type VerdictIndex } from './parse.js';

/** The ClusterPolicy Kyverno applies: its built-in podSecurity rule at restricted (see the file). */
export const KYVERNO_POLICY = join(REPO_ROOT, 'bench', 'peers', 'kyverno-pss.yaml');
/** The Pod Security Standards version of KYVERNO_POLICY, for kubeharden's `scan --pss restricted:<version>`. */
export const KYVERNO_PSS_VERSION = 'v1.32';
/** How Kyverno reports a fatal error (e.g. "Error: failed to load resources (yaml: line 4: …)", a Go panic). */
export const KYVERNO_FATAL = /^(Error:|panic:)/;

export function kyvernoArgs(files: string[]): string[] {
  return ['apply', KYVERNO_POLICY, ...files.map((f) => `--resource=${f}`), '--policy-report', '--output-format', 'json'];
}

/** kind|namespace|name, the identity Kyverno's fake client keys objects by (namespace absent = default). */
export const identity = (kind: string, namespace: string, name: string): string => `${kind}|${namespace || 'default'}|${name}`;

export interface Batch {
  files: string[];
  /** The file of each object identity in the batch. */
  owner: Map<string, string>;
}

/**
 * Files in batches in which no two objects share an identity (first fit, in file order: the
 * corpus needs a handful). `identities` gives the identities of a file's objects.
 */
export function distinctBatches(files: string[], identities: (file: string) => string[]): Batch[] {
  const batches: Batch[] = [];
  for (const f of files) {
    const ids = identities(f);
    let b = batches.find((x) => ids.every((id) => !x.owner.has(id)));
    if (!b) batches.push((b = { files: [], owner: new Map() }));
    b.files.push(f);
    for (const id of ids) b.owner.set(id, f);
  }
  return batches;
}

/** The identities of each corpus file's objects. */
export function identitiesByFile(objects: ReadonlyMap<string, CorpusObject>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of objects.values()) out.set(o.file, [...(out.get(o.file) ?? []), identity(o.kind, o.namespace, o.name)]);
  return out;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command of one timed run: `kyverno apply` itself for one batch; for several, a shell script
 * running them one after another (written to a file: the file lists of ×100 exceed the 128 KiB
 * limit of one argument), exiting with the highest status (1 = a policy failed, 2 = a panic).
 */
export function kyvernoCommand(binary: string, batches: string[][], name: string): { cmd: string; args: string[] } {
  if (batches.length <= 1) return { cmd: binary, args: kyvernoArgs(batches[0] ?? []) };
  const dir = join(tmpdir(), 'kubeharden-bench-peers');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `kyverno-${name.replace(/[^\w.-]+/g, '_')}.sh`);
  const lines = ['rc=0'];
  for (const b of batches) lines.push(`${[binary, ...kyvernoArgs(b)].map(shellQuote).join(' ')}`, 's=$?; [ "$s" -gt "$rc" ] && rc=$s');
  lines.push('exit "$rc"');
  writeFileSync(script, `${lines.join('\n')}\n`);
  return { cmd: '/bin/sh', args: [script] };
}

export interface AgreementRuns {
  idx: VerdictIndex;
  /** Objects Kyverno reported an error on instead of a verdict, with its message. */
  errors: Map<string, string>;
  /** Files Kyverno cannot decode (it aborts the whole run on them). */
  fatal: string[];
}

/**
 * Kyverno's verdicts on the corpus for the agreement: one run per batch; a batch Kyverno aborts on
 * is rerun file by file, which finds the files it cannot decode.
 */
export function kyvernoAgreementRuns(binary: string, corpus: string, files: string[], objects: ReadonlyMap<string, CorpusObject>, controlIds: string[]): AgreementRuns {
  const ids = identitiesByFile(objects);
  const idx: VerdictIndex = new Map();
  const errors = new Map<string, string>();
  const fatal: string[] = [];
  const apply = (batch: string[]): string | undefined => {
    const r = spawnSync(binary, kyvernoArgs(batch), { cwd: corpus, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    // No output at all is fine: no object of the files is a pod or workload.
    return (r.status === 0 || r.status === 1) && !(r.stderr ?? '').split('\n').some((l) => KYVERNO_FATAL.test(l)) ? r.stdout : undefined;
  };
  for (const b of distinctBatches(files, (f) => ids.get(f) ?? [])) {
    const out = apply(b.files);
    if (out !== undefined) {
      parseKyverno(out, (kind, ns, name) => b.owner.get(identity(kind, ns, name)), objects, controlIds, idx, errors);
      continue;
    }
    for (const f of b.files) {
      const one = apply([f]);
      if (one === undefined) fatal.push(f);
      else parseKyverno(one, () => f, objects, controlIds, idx, errors);
    }
  }
  return { idx, errors, fatal };
}
