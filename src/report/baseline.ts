/**
 * Baselines: a previous JSON report whose findings are accepted for now. A scan against it shows
 * and fails only on findings that are new, and says how many of the old ones are fixed.
 *
 * Findings are matched by fingerprint, the same scheme as SARIF's `partialFingerprints`
 * (`kubeharden/v1`): check, object kind, namespace and name, and the field path — no line or
 * column, so moving an object in its file, or the file's other objects, keeps the match. Matching
 * counts duplicates: two identical fingerprints in the baseline accept two findings, not more.
 */
import { readFileSync } from 'node:fs';
import { summarize, type Summary } from '../engine/scan.js';
import type { Finding } from '../engine/types.js';
import type { FindingStream } from './finding-spool.js';

/** The SARIF `kubeharden/v1` partial fingerprint of a finding. */
export function fingerprint(f: Pick<Finding, 'check' | 'path'> & { object: { kind: string; namespace?: string; name: string } }): string {
  return `${f.check}:${f.object.kind}:${f.object.namespace ?? ''}:${f.object.name}:${f.path}`;
}

/** What --baseline did, for the reports to say. */
export interface BaselineOutcome {
  file: string;
  /** Unsuppressed findings of this scan already in the baseline (hidden, never failing). */
  unchanged: number;
  /** Baseline findings this scan no longer has. */
  fixed: number;
  /** Unsuppressed findings of this scan not in the baseline. */
  new: number;
}

interface BaselineFinding {
  check: string;
  path: string;
  object: { kind: string; name: string; namespace?: string };
  suppressed?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The part of a JSON report (schema v1) a baseline needs; extra fields are ignored. Checked by
 * hand rather than with zod: a scan must not load the schema library (start-up time).
 */
function baselineFindings(json: unknown): BaselineFinding[] | string {
  if (!isObj(json) || json.version !== 1 || !isObj(json.tool) || json.tool.name !== 'kubeharden') return '(root): expected { version: 1, tool: { name: "kubeharden" } }';
  if (!Array.isArray(json.findings)) return 'findings: expected an array';
  for (const [i, f] of json.findings.entries()) {
    if (!isObj(f) || typeof f.check !== 'string' || typeof f.path !== 'string') return `findings.${i}: expected check and path strings`;
    const o = f.object;
    if (!isObj(o) || typeof o.kind !== 'string' || typeof o.name !== 'string' || (o.namespace !== undefined && typeof o.namespace !== 'string')) return `findings.${i}.object: expected kind, name and an optional namespace`;
  }
  return json.findings as BaselineFinding[];
}

export class BaselineError extends Error {}

/** Reads a baseline file: the fingerprints of its unsuppressed findings, with multiplicity. */
export function readBaseline(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BaselineError(`--baseline ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`--baseline ${file}: not JSON (${(e as Error).message}); write one with --write-baseline or -o json`);
  }
  const findings = baselineFindings(json);
  if (typeof findings === 'string') throw new BaselineError(`--baseline ${file}: not a kubeharden JSON report (version 1): ${findings}`);
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (f.suppressed) continue; // accepted by the manifest or config already, not by the baseline
    const k = fingerprint(f);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/**
 * The baseline's verdict on each finding, met in report order: kept (new, or suppressed as
 * before) or accepted. Matching counts duplicates, so the verdicts depend on the order: the same
 * findings in the same order get the same verdicts.
 */
class BaselineMatch {
  private readonly left: Map<string, number>;
  private unchanged = 0;
  private fresh = 0;

  constructor(baseline: ReadonlyMap<string, number>) {
    this.left = new Map(baseline);
  }

  keeps(f: Finding): boolean {
    if (f.suppressed) return true;
    const k = fingerprint(f);
    const n = this.left.get(k) ?? 0;
    if (n > 0) {
      this.left.set(k, n - 1);
      this.unchanged++;
      return false;
    }
    this.fresh++;
    return true;
  }

  outcome(file: string): BaselineOutcome {
    let fixed = 0;
    for (const n of this.left.values()) fixed += n;
    return { file, unchanged: this.unchanged, fixed, new: this.fresh };
  }
}

/**
 * Splits a scan's findings into those to report (new ones, and suppressed ones as before) and the
 * count of those the baseline accepts. The input order is kept.
 */
export function applyBaseline(findings: readonly Finding[], baseline: ReadonlyMap<string, number>, file: string): { findings: Finding[]; outcome: BaselineOutcome } {
  const match = new BaselineMatch(baseline);
  return { findings: findings.filter((f) => match.keeps(f)), outcome: match.outcome(file) };
}

/**
 * applyBaseline over findings read back from disk in report order, without holding them, with the
 * summary of what it keeps. One walk is made here, for the summary and the outcome; every later
 * walk of the result matches the findings again from the start, so it gives the same findings.
 */
export function applyBaselineToStream(findings: FindingStream, baseline: ReadonlyMap<string, number>, file: string, objects: number): { findings: FindingStream; outcome: BaselineOutcome; summary: Summary } {
  const keptOf = function* (match: BaselineMatch): Generator<Finding> {
    for (const f of findings) if (match.keeps(f)) yield f;
  };
  const match = new BaselineMatch(baseline);
  const summary = summarize(objects, keptOf(match));
  const kept: FindingStream = { length: summary.findings + summary.suppressed, [Symbol.iterator]: () => keptOf(new BaselineMatch(baseline)) };
  return { findings: kept, outcome: match.outcome(file), summary };
}
