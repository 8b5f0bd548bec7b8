/**
 * What people read: the denial message kubectl prints, the warnings it shows, and the audit
 * annotations. Bounded in size whatever the number of findings.
 */
import type { Finding } from '../engine/types.js';

const MAX_CHECK_LINES = 15;
const MAX_MESSAGES_PER_CHECK = 3;
const MAX_MESSAGE = 300;
/** The API server truncates warnings past 256 characters; kubectl prints them one per line. */
export const MAX_WARNING_LENGTH = 256;
export const MAX_WARNINGS = 20;
const MAX_AUDIT_VALUE = 4000;

export function truncate(s: string, max: number): string {
  // Control characters would break kubectl's one-line-per-warning display and log parsers.
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

export function describeTarget(kind: string, name: string | undefined, namespace: string | undefined): string {
  const n = name ? ` "${name}"` : '';
  return namespace ? `${kind}${n} in namespace "${namespace}"` : `${kind}${n}`;
}

interface Group {
  check: string;
  severity: string;
  messages: string[];
  remediation: string;
}

function groupByCheck(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    let g = groups.get(f.check);
    if (!g) groups.set(f.check, (g = { check: f.check, severity: f.severity, messages: [], remediation: f.remediation }));
    if (!g.messages.includes(f.message)) g.messages.push(f.message);
  }
  return [...groups.values()];
}

/** The denial: one line per failed check with its messages and remediation. */
export function denialMessage(target: string, profile: string, findings: readonly Finding[]): string {
  const groups = groupByCheck(findings);
  const lines = [`${target} fails kubeharden policy (profile "${profile}"): ${groups.length} failed check${groups.length === 1 ? '' : 's'}`];
  for (const g of groups.slice(0, MAX_CHECK_LINES)) {
    const shown = g.messages.slice(0, MAX_MESSAGES_PER_CHECK).map((m) => truncate(m, MAX_MESSAGE));
    const more = g.messages.length - shown.length;
    const fix = g.remediation ? ` Fix: ${truncate(g.remediation, MAX_MESSAGE)}` : '';
    lines.push(`- ${g.check} (${g.severity}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.${fix}`);
  }
  if (groups.length > MAX_CHECK_LINES) lines.push(`- and ${groups.length - MAX_CHECK_LINES} more checks`);
  lines.push('Run `kubeharden scan` on the manifest to see the same findings; `kubeharden fix` applies the remediations.');
  return lines.join('\n');
}

export function warningText(f: Finding): string {
  return truncate(`${f.check} (${f.severity}): ${f.message}`, MAX_WARNING_LENGTH);
}

/** Warnings, de-duplicated and capped; the last one says how many were left out. */
export function capWarnings(warnings: readonly string[]): string[] {
  const unique = [...new Set(warnings)];
  if (unique.length <= MAX_WARNINGS) return unique;
  return [...unique.slice(0, MAX_WARNINGS - 1), `kubeharden: ${unique.length - MAX_WARNINGS + 1} more findings; run kubeharden scan for the full list`];
}

/** The value of the audit-violations annotation. */
export function auditValue(findings: readonly Finding[]): string {
  const parts = groupByCheck(findings).map((g) => `${g.check}(${g.severity}): ${g.messages.join('; ')}`);
  return truncate(parts.join(' | '), MAX_AUDIT_VALUE);
}
