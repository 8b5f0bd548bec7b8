/**
 * What `kubeharden rbac` prints: the JSON/YAML documents and the text tables of can-i, who-can,
 * lookup and risks, built from the analysis results. Objects are named namespace/name, bindings and
 * roles with where they were defined (file:line, "cluster", or the built-in bootstrap policy).
 */
import type { LoadedObject } from '../load/types.js';
import { SEVERITIES } from '../engine/types.js';
import type { RbacPolicy } from '../rbac/policy.js';
import { grantReason, rulesFor, type Decision } from '../rbac/authorizer.js';
import type { WhoCanResult } from '../rbac/locator.js';
import type { LookupEntry } from '../rbac/lookup.js';
import { describeSubjectShort, type RiskFinding } from '../rbac/risks.js';
import { tabwrite } from '../rbac/rules-list.js';
import { describeRequest, type PolicyRule, type RbacBinding, type RbacRole, type RequestAttributes, type Subject, type UserInfo } from '../rbac/types.js';

/** A list the analysis could not read (only with the user's consent: --skip-unreadable). */
export interface Unread {
  /** What was not read: a resource of the cluster ("clusterroles") or an input file. */
  what: string;
  cause: string;
  /** What its absence means for the answer. */
  consequence?: string;
}

export function unreadJson(u: readonly Unread[]): Record<string, unknown> {
  return u.length ? { incomplete: true, unread: u.map((x) => ({ ...x })) } : {};
}

/** One line per unread source, printed after a text answer: it is not the whole truth. */
export function unreadText(u: readonly Unread[]): string {
  if (u.length === 0) return '';
  return `${u.map((x) => `INCOMPLETE: not read: ${x.what}: ${x.cause}${x.consequence ? `; ${x.consequence}` : ''}`).join('\n')}\n`;
}

// ---- objects with their source positions --------------------------------------------------------

export function whereOf(o: { origin: string; loaded?: LoadedObject }, path: ReadonlyArray<string | number> = []): string | undefined {
  if (o.origin === 'builtin') return 'built-in bootstrap policy';
  if (o.origin === 'live') return 'cluster';
  if (!o.loaded) return undefined;
  const r = o.loaded.source.locate(path);
  return `${o.loaded.source.file}:${r.line}`;
}

export function bindingJson(b: RbacBinding): Record<string, unknown> {
  const w = whereOf(b);
  return { kind: b.kind, ...(b.namespace ? { namespace: b.namespace } : {}), name: b.name, ...(w ? { source: w } : {}) };
}

export function roleJson(r: RbacRole, ruleIndex?: number): Record<string, unknown> {
  const w = whereOf(r, ruleIndex !== undefined && ruleIndex >= 0 && r.ruleOrigins[ruleIndex]?.role === r.name ? ['rules', ruleIndex] : []);
  return { kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, ...(w ? { source: w } : {}) };
}

export function subjectJson(s: Subject): Record<string, unknown> {
  return { kind: s.kind, ...(s.namespace ? { namespace: s.namespace } : {}), name: s.name };
}

/** namespace/name (namespace first, as everywhere kubeharden prints an object). */
function nsName(o: { namespace?: string; name: string }): string {
  return o.namespace ? `${o.namespace}/${o.name}` : o.name;
}

export function ruleText(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.nonResourceURLs.length) parts.push(`nonResourceURLs: [${r.nonResourceURLs.join(', ')}]`);
  if (r.apiGroups.length || r.resources.length) {
    parts.push(`apiGroups: [${r.apiGroups.map((g) => JSON.stringify(g)).join(', ')}]`);
    parts.push(`resources: [${r.resources.join(', ')}]`);
  }
  if (r.resourceNames.length) parts.push(`resourceNames: [${r.resourceNames.join(', ')}]`);
  parts.push(`verbs: [${r.verbs.join(', ')}]`);
  return parts.join('  ');
}

export function ruleProvenance(policy: RbacPolicy, role: RbacRole, i: number): { text: string; json: Record<string, unknown> } {
  const o = role.ruleOrigins[i];
  if (!o || o.role === role.name) {
    const w = whereOf(role, ['rules', i]);
    return { text: `rule ${i} of ${role.kind} "${nsName(role)}"${w ? ` (${w})` : ''}`, json: { index: i, ...(w ? { source: w } : {}) } };
  }
  const from = policy.getClusterRole(o.role);
  const w = from ? whereOf(from, ['rules', o.index]) : undefined;
  return {
    text: `rule ${i} of ClusterRole "${role.name}", aggregated from rule ${o.index} of ClusterRole "${o.role}"${w ? ` (${w})` : ''}`,
    json: { index: i, aggregatedFrom: { clusterRole: o.role, index: o.index, ...(w ? { source: w } : {}) } },
  };
}

// ---- can-i --------------------------------------------------------------------------------------

export function requestJson(a: RequestAttributes): Record<string, unknown> {
  return a.resourceRequest
    ? { verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name }
    : { verb: a.verb, nonResourceURL: a.path };
}

export function decisionJson(policy: RbacPolicy, d: Decision): Record<string, unknown> {
  const out: Record<string, unknown> = { allowed: d.allowed, reason: d.reason };
  if (d.bypass) out.bypass = d.bypass;
  if (d.grant) {
    const g = d.grant;
    out.grant = { binding: bindingJson(g.binding), role: roleJson(g.role), subject: subjectJson(g.subject), rule: { ...ruleProvenance(policy, g.role, g.ruleIndex).json, ...g.rule } };
  }
  if (d.errors.length) out.errors = d.errors;
  return out;
}

/** `can-i --explain`: the binding, role and rule that allow it, or the bindings that apply when not. */
export function canIExplainText(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes, d: Decision): string {
  const lines: string[] = [];
  lines.push(`request: ${describeRequest(attrs)}`);
  lines.push(`as: User "${user.name}"${user.groups.length ? ` in groups ${user.groups.join(', ')}` : ''}`);
  if (d.bypass) lines.push(d.reason);
  else if (d.grant) {
    const g = d.grant;
    const bw = whereOf(g.binding);
    // The authorizer's own reason string (its wording, as the API server logs it).
    lines.push(`${grantReason(g)}${bw ? ` (${bw})` : ''}`);
    lines.push(`  by ${ruleProvenance(policy, g.role, g.ruleIndex).text}:`);
    lines.push(`    ${ruleText(g.rule)}`);
  } else {
    const applying = rulesFor(policy, user, attrs.resourceRequest ? attrs.namespace : '');
    const bindings = new Map<RbacBinding, RbacRole>();
    for (const r of applying.rules) bindings.set(r.grant.binding, r.grant.role);
    lines.push(`no rule of the ${bindings.size} binding(s) that apply to this user allows it${attrs.resourceRequest && attrs.namespace ? '' : ' (cluster-wide requests are granted only by ClusterRoleBindings)'}`);
    for (const [b, role] of bindings) {
      const w = whereOf(b);
      lines.push(`  ${b.kind} "${nsName(b)}"${w ? ` (${w})` : ''} → ${role.kind} "${role.name}" (${role.rules.length} rules)`);
    }
  }
  for (const e of d.errors) lines.push(`note: ${e}`);
  return lines.join('\n');
}

// ---- who-can ------------------------------------------------------------------------------------

export function whoCanJson(r: WhoCanResult, attrs: RequestAttributes): Record<string, unknown> {
  return {
    request: requestJson(attrs),
    subjects: r.subjects.map((e) => ({
      ...subjectJson(e.subject),
      ...(e.implicit ? { implicit: e.implicit } : {}),
      grants: e.grants.map((g) => ({ binding: bindingJson(g.binding), role: roleJson(g.role, g.ruleIndex), ruleIndex: g.ruleIndex, scope: g.namespace || 'cluster' })),
      ...(e.workloads ? { workloads: e.workloads.map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, ...(w.owner ? { owner: w.owner } : {}) })) } : {}),
    })),
    ignored: r.ignored.map((i) => ({ subject: subjectJson(i.subject), binding: bindingJson(i.binding), problem: i.problem })),
    errors: r.errors,
  };
}

function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace ?? '?'}/${s.name}` : s.name;
}

export function whoCanText(r: WhoCanResult, attrs: RequestAttributes): string {
  const rows: string[][] = [['SUBJECT', 'KIND', 'SCOPE', 'BINDING', 'ROLE']];
  const extra: string[] = [];
  for (const e of r.subjects) {
    if (e.implicit) rows.push([subjectName(e.subject), e.subject.kind, 'cluster', '-', `(${e.implicit})`]);
    for (const g of e.grants) rows.push([subjectName(e.subject), e.subject.kind, g.namespace || 'cluster', `${g.binding.kind}/${g.binding.name}`, `${g.role.kind}/${g.role.name}`]);
    if (e.workloads?.length) {
      const shown = e.workloads.slice(0, 10).map((w) => `${w.kind} ${w.namespace}/${w.name}`);
      extra.push(`${describeSubjectShort(e.subject)} runs: ${shown.join(', ')}${e.workloads.length > 10 ? `, … (${e.workloads.length} in all)` : ''}`);
    }
  }
  for (const i of r.ignored) extra.push(`ignored: ${i.binding.kind} ${nsName(i.binding)}: ${i.problem}`);
  return `${describeRequest(attrs)}\n${tabwrite(rows)}${extra.length ? `\n${extra.join('\n')}\n` : ''}`;
}

// ---- lookup -------------------------------------------------------------------------------------

export function lookupJson(e: LookupEntry): Record<string, unknown> {
  return {
    subject: subjectJson(e.subject),
    scope: e.scope || 'cluster',
    binding: bindingJson(e.binding),
    role: e.role ? roleJson(e.role) : { kind: e.binding.roleRef.kind, name: e.binding.roleRef.name, missing: true },
    ...(e.via ? { via: e.via } : {}),
    ...(e.error ? { error: e.error } : {}),
  };
}

export function lookupText(subject: string, entries: readonly LookupEntry[]): string {
  if (entries.length === 0) return `No RBAC bindings found for ${subject}`;
  const rows: string[][] = [['SUBJECT', 'KIND', 'SCOPE', 'ROLE', 'BINDING', 'VIA']];
  for (const e of entries)
    rows.push([
      subjectName(e.subject),
      e.subject.kind,
      e.scope || 'cluster-wide',
      `${e.binding.roleRef.kind}/${e.binding.roleRef.name}${e.role ? '' : ' (missing)'}`,
      `${e.binding.kind}/${e.binding.name}`,
      e.via ?? '-',
    ]);
  return tabwrite(rows);
}

// ---- risks --------------------------------------------------------------------------------------

export function riskJson(f: RiskFinding): Record<string, unknown> {
  return {
    id: f.id,
    ...(f.row ? { row: f.row } : {}),
    severity: f.severity,
    title: f.title,
    subject: subjectJson(f.subject),
    scope: f.scope || 'cluster',
    message: f.message,
    grants: f.grants,
    ...(f.names ? { names: f.names } : {}),
    ...(f.path ? { path: f.path.map((p) => ({ kind: p.kind, from: subjectJson(p.from), to: subjectJson(p.to), how: p.how, ...(p.grant ? { grant: p.grant } : {}) })) } : {}),
    ...(f.builtin ? { builtin: true } : {}),
  };
}

export function risksText(findings: readonly RiskFinding[], subjects: number): string {
  if (findings.length === 0) return `No RBAC risks found (${subjects} subjects analysed).`;
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(8)} ${f.id}${f.row ? ` (#${f.row})` : ''}  ${describeSubjectShort(f.subject)}  ${f.scope ? `namespace ${f.scope}` : 'cluster-wide'}`);
    lines.push(`         ${f.message}`);
    const shown = new Set<string>();
    for (const g of f.grants) {
      const k = `${g.binding.kind}/${g.binding.namespace ?? ''}/${g.binding.name}/${g.ruleIndex}`;
      if (g.ruleIndex < 0 || shown.has(k) || shown.size >= 3) continue;
      shown.add(k);
      lines.push(`         via ${g.binding.kind} ${nsName(g.binding)} → ${g.role.kind} ${g.role.name} rule ${g.ruleIndex}: ${ruleText(g.rule)}`);
    }
  }
  const counts = [...SEVERITIES].reverse().map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  lines.push('', `${findings.length} finding(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')} (${subjects} subjects analysed)`);
  return lines.join('\n');
}
