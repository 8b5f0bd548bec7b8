/**
 * What people read: the denial message kubectl prints, the warnings it shows, and the audit
 * annotations. Bounded in size whatever the number of findings. Pod Security findings are
 * shown in PodSecurity admission's own words (`violates PodSecurity "restricted:latest": ...`),
 * one line for all of them, as kubectl users know it.
 */
import { severityRank, type Finding, type Severity } from '../engine/types.js';

const MAX_CHECK_LINES = 15;
const MAX_MESSAGES_PER_CHECK = 3;
const MAX_MESSAGE = 1000;
const MAX_REMEDIATION = 400;
/** The API server truncates warnings past 256 characters when they add up to more than 4 KiB. */
export const MAX_WARNING_LENGTH = 256;
export const MAX_WARNINGS = 15;
const MAX_AUDIT_VALUE = 4000;
const PSS_DOCS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/** How a finding reads in admission messages (PSS findings: PSA's short "reason (detail)"). */
export type FindingText = (f: Finding) => string;
const plain: FindingText = (f) => f.message;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]+/g;

export function truncate(s: string, max: number): string {
  // Control characters would break kubectl's one-line-per-warning display and log parsers.
  // Most messages have none: test before replacing (every warning and denial line passes here).
  const clean = CONTROL.test(s) ? s.replace(CONTROLS, ' ') : s;
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

export function describeTarget(kind: string, name: string | undefined, namespace: string | undefined): string {
  const n = name ? ` "${name}"` : '';
  return namespace ? `${kind}${n} in namespace "${namespace}"` : `${kind}${n}`;
}

interface Group {
  label: string;
  /** The check ids in the label (Pod Security groups name several). */
  ids: Set<string>;
  severity: Severity;
  messages: string[];
  remediation: string;
  /** For the Pod Security line: `violates PodSecurity "<level:version>"`. */
  pss?: string;
}

function worse(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

function group(findings: readonly Finding[], text: FindingText): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const pss = f.pss ? `${f.pss.level}:${f.pss.version}` : undefined;
    const key = pss ? `\u0000pss ${pss}` : f.check;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label: f.check, ids: new Set([f.check]), severity: f.severity, messages: [], remediation: f.remediation, ...(pss ? { pss } : {}) }));
    else if (pss && !g.ids.has(f.check)) {
      g.ids.add(f.check);
      g.label += `, ${f.check}`;
    }
    g.severity = worse(g.severity, f.severity);
    const m = text(f);
    if (!g.messages.includes(m)) g.messages.push(m);
  }
  // Most severe first: what kubectl shows first is what gets fixed first.
  return [...groups.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** The denial: one line per failed check (one for all Pod Security failures) with the remediation. */
export function denialMessage(target: string, profile: string, findings: readonly Finding[], text: FindingText = plain): string {
  const groups = group(findings, text);
  const checks = new Set(findings.map((f) => f.check)).size;
  const lines = [`${target} fails kubeharden policy (profile "${profile}"): ${checks} failed check${checks === 1 ? '' : 's'}`];
  for (const g of groups.slice(0, MAX_CHECK_LINES)) {
    if (g.pss) {
      lines.push(`- ${g.label} (${g.severity}): ${truncate(`violates PodSecurity "${g.pss}": ${g.messages.join(', ')}`, MAX_MESSAGE * 2)}. Fix: meet the Pod Security Standards "${g.pss.split(':')[0]}" level (${PSS_DOCS}).`);
      continue;
    }
    const shown = g.messages.slice(0, MAX_MESSAGES_PER_CHECK).map((m) => truncate(m, MAX_MESSAGE));
    const more = g.messages.length - shown.length;
    const fix = g.remediation ? ` Fix: ${truncate(g.remediation, MAX_REMEDIATION)}` : '';
    lines.push(`- ${g.label} (${g.severity}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.${fix}`);
  }
  if (groups.length > MAX_CHECK_LINES) lines.push(`- and ${groups.length - MAX_CHECK_LINES} more`);
  lines.push('Run `kubeharden scan` on the manifest to see the same findings; `kubeharden fix` applies the remediations.');
  return lines.join('\n');
}

export function warningText(f: Finding, text: FindingText = plain): string {
  return truncate(`${f.check} (${f.severity}): ${text(f)}`, MAX_WARNING_LENGTH);
}

/** Warnings, de-duplicated and capped; the last one says how many were left out. */
export function capWarnings(warnings: readonly string[]): string[] {
  const unique = [...new Set(warnings)];
  if (unique.length <= MAX_WARNINGS) return unique;
  return [...unique.slice(0, MAX_WARNINGS - 1), `kubeharden: ${unique.length - MAX_WARNINGS + 1} more findings; run kubeharden scan for the full list`];
}

/** The value of the audit-violations annotation. */
export function auditValue(findings: readonly Finding[], text: FindingText = plain): string {
  const parts = group(findings, text).map((g) => (g.pss ? `PodSecurity ${g.pss}(${g.severity}): ${g.messages.join(', ')}` : `${g.label}(${g.severity}): ${g.messages.join('; ')}`));
  return truncate(parts.join(' | '), MAX_AUDIT_VALUE);
}
