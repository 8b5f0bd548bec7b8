/**
 * Suppression: annotations `ignore.kubeharden.io/<CHECK-ID>: "<reason>"` on the object or its
 * pod template, and config exemptions. Suppressed findings stay in the results, marked.
 */
import { minimatch } from 'minimatch';
import type { LoadedObject } from '../load/types.js';
import type { CheckCatalog } from './catalog.js';
import type { Exemption } from './config.js';
import type { ObjectIndex } from './object-index.js';
import type { Finding } from './types.js';

export const IGNORE_PREFIX = 'ignore.kubeharden.io/';

export interface SuppressOptions {
  annotationExemptions: boolean;
  exemptions: readonly Exemption[];
  /** The run's ids: an annotation may name a check by a former id. */
  catalog?: CheckCatalog;
  /** For exemption expiry; default: the current time. */
  now?: Date;
}

function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  return minimatch(value ?? '', pattern, { dot: true });
}

function exemptionApplies(e: Exemption, f: Finding): boolean {
  return (
    e.checks.some((c) => c === '*' || minimatch(f.check, c)) &&
    glob(e.namespace, f.object.namespace ?? 'default') &&
    glob(e.kind, f.object.kind) &&
    glob(e.name, f.object.name) &&
    (e.container === undefined || (f.container !== undefined && glob(e.container, f.container)))
  );
}

function isExpired(e: Exemption, now: Date): boolean {
  return e.expires !== undefined && Date.parse(e.expires) < now.getTime();
}

export interface SuppressResult {
  warnings: string[];
}

/** Marks findings as suppressed in place; returns warnings (expired exemptions). */
export function applySuppressions(findings: Finding[], objects: ObjectIndex, opts: SuppressOptions): SuppressResult {
  const warnings: string[] = [];
  const now = opts.exemptions.length ? (opts.now ?? new Date()) : undefined;
  const live = now ? opts.exemptions.filter((e) => !isExpired(e, now)) : [];
  if (now) {
    for (const e of opts.exemptions) {
      if (isExpired(e, now)) warnings.push(`exemption for ${e.checks.join(', ')} (${e.reason}) expired on ${e.expires} and no longer applies`);
    }
  }
  // Most scans (and nearly every admission request) carry no ignore annotation at all: then
  // no finding needs its object looked up.
  const annotations = opts.annotationExemptions && objects.derived(hasIgnoreAnnotations);
  for (const f of findings) {
    const cfg = live.length ? live.find((e) => exemptionApplies(e, f)) : undefined;
    if (cfg) {
      f.suppressed = { by: 'config', reason: cfg.reason, ...(cfg.expires ? { expires: cfg.expires } : {}) };
      continue;
    }
    if (!annotations) continue;
    const hit = annotationReason(objects, f, opts.catalog?.aliasesOf(f.check) ?? []);
    if (hit === undefined) continue;
    f.suppressed = { by: 'annotation', reason: hit.reason };
    const note = hit.key !== f.check ? `annotation ${IGNORE_PREFIX}${hit.key} uses a deprecated check id, use ${IGNORE_PREFIX}${f.check}` : undefined;
    if (note && !warnings.includes(note)) warnings.push(note);
  }
  return { warnings };
}

/**
 * True when an object of the scan, or one of its pod templates, may carry an
 * ignore.kubeharden.io/ annotation (matched case-insensitively, as annotationReason does).
 */
function hasIgnoreAnnotations(index: ObjectIndex): boolean {
  for (const o of index.objects) {
    if (hasIgnoreKey(o.annotations)) return true;
    try {
      for (const pod of index.podsOf(o)) if (hasIgnoreKey(pod.annotations)) return true;
    } catch {
      return true; // unreadable: let annotationReason look, as it always did
    }
  }
  return false;
}

function hasIgnoreKey(annotations: Readonly<Record<string, string>>): boolean {
  for (const k in annotations) if (k.toLowerCase().startsWith(IGNORE_PREFIX)) return true;
  return false;
}

/** The annotation exempting a finding (by the check's id or a former one): the id it names and its reason. */
function annotationReason(index: ObjectIndex, f: Finding, aliases: readonly string[]): { key: string; reason: string } | undefined {
  const owner = index.get(f.object.kind, f.object.namespace, f.object.name);
  if (!owner) return undefined;
  const pods = index.podsOf(owner as LoadedObject);
  for (const id of [f.check, ...aliases]) {
    const key = (IGNORE_PREFIX + id).toLowerCase();
    const onObject = lookup(owner.annotations, key);
    if (onObject !== undefined) return { key: id, reason: onObject || 'no reason given' };
    for (const pod of pods) {
      const onTemplate = lookup(pod.annotations, key);
      if (onTemplate !== undefined) return { key: id, reason: onTemplate || 'no reason given' };
    }
  }
  return undefined;
}

/** Check ids match case-insensitively (PSS-PRIVILEGED or pss-privileged). */
function lookup(annotations: Readonly<Record<string, string>>, lowerKey: string): string | undefined {
  for (const k in annotations) if (k.toLowerCase() === lowerKey) return annotations[k];
  return undefined;
}
