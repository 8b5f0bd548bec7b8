/**
 * Output of `rbac suggest` and `rbac unused`: YAML ready for `kubectl apply` (with the summary
 * and the denied requests as comments), JSON, and the text report of unused access.
 */
import { stringify } from 'yaml';
import type { AuditReadReport } from '../audit/reader.js';
import { describeRead } from '../audit/reader.js';
import { describeWindow, type TimeWindow } from '../audit/window.js';
import { describeRequest, type PolicyRule, type RbacBinding, type RequestAttributes, type Subject } from '../rbac/types.js';
import type { Suggestion, CountedRequest } from '../rbac/usage/suggest.js';
import type { UnusedFinding, UnusedReport } from '../rbac/usage/unused.js';

export function readJson(r: AuditReadReport): Record<string, unknown> {
  return {
    files: r.files,
    events: r.events,
    requests: r.requests,
    skipped: r.skipped,
    problems: r.problems,
    ...(r.problemsNotListed ? { problemsNotListed: r.problemsNotListed } : {}),
    decisionFromStatus: r.decisionFromStatus,
    bodiesDropped: r.bodiesDropped,
    ...(r.first !== undefined ? { first: new Date(r.first).toISOString() } : {}),
    ...(r.last !== undefined ? { last: new Date(r.last).toISOString() } : {}),
  };
}

function windowJson(w: TimeWindow): Record<string, string> {
  return { ...(w.since !== -Infinity ? { since: new Date(w.since).toISOString() } : {}), ...(w.until !== Infinity ? { until: new Date(w.until).toISOString() } : {}) };
}

function requestJson(a: RequestAttributes): Record<string, unknown> {
  return a.resourceRequest
    ? { verb: a.verb, group: a.apiGroup, resource: a.resource, ...(a.subresource ? { subresource: a.subresource } : {}), ...(a.name ? { name: a.name } : {}), ...(a.namespace ? { namespace: a.namespace } : {}) }
    : { verb: a.verb, nonResourceURL: a.path };
}

const counted = (l: readonly CountedRequest[]): Array<Record<string, unknown>> => l.map((c) => ({ ...requestJson(c.attrs), count: c.count }));

export interface SuggestOutput {
  subject: string;
  suggestion: Suggestion;
  read: AuditReadReport;
  window: TimeWindow;
}

export function suggestJson(o: SuggestOutput): string {
  const s = o.suggestion;
  return `${JSON.stringify(
    {
      subject: o.subject,
      window: windowJson(o.window),
      allowedRequests: s.allowed,
      coveredByDefaults: s.coveredByDefaults,
      objects: s.objects,
      denied: counted(s.denied),
      ...(s.deniedNotListed ? { notListed: s.deniedNotListed } : {}),
      notGranted: counted(s.notGranted),
      read: readJson(o.read),
    },
    null,
    2,
  )}\n`;
}

/** Multi-document YAML to apply; what was not granted, and why, as comments. */
export function suggestYaml(o: SuggestOutput): string {
  const s = o.suggestion;
  const head = [
    `kubeharden rbac suggest: least-privilege RBAC for ${o.subject}`,
    `from ${s.allowed} allowed request(s) in ${o.read.files.length} audit log file(s), ${describeWindow(o.window)}${o.read.first !== undefined ? ` (events ${new Date(o.read.first).toISOString()} – ${new Date(o.read.last as number).toISOString()})` : ''}`,
    ...(s.coveredByDefaults ? [`${s.coveredByDefaults} request(s) are allowed for every identity by the built-in roles (discovery, self reviews): not repeated`] : []),
    ...describeRead(o.read),
  ];
  const docs = s.objects.map((obj) => stringify(obj, { lineWidth: 0 }));
  const tail: string[] = [];
  if (s.denied.length) {
    tail.push(`denied (${s.denied.reduce((n, d) => n + d.count, 0)} request(s); not granted):`);
    for (const d of s.denied) tail.push(`  ${describeRequest(d.attrs)}${d.count > 1 ? `  (${d.count}×)` : ''}`);
    if (s.deniedNotListed) tail.push(`  … and ${s.deniedNotListed} more`);
  }
  if (s.notGranted.length) {
    tail.push('cluster-wide requests left out (--namespace-scoped):');
    for (const d of s.notGranted) tail.push(`  ${describeRequest(d.attrs)}${d.count > 1 ? `  (${d.count}×)` : ''}`);
  }
  if (s.objects.length === 0) tail.push(`no allowed request of ${o.subject} needs a grant: nothing to suggest`);
  const comment = (lines: string[]): string => lines.map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${comment(head)}\n${docs.map((d) => `---\n${d}`).join('')}${tail.length ? `${comment(tail)}\n` : ''}`;
}

// ---- unused ------------------------------------------------------------------------------------

export interface UnusedOutput {
  report: UnusedReport;
  read: AuditReadReport;
  window: TimeWindow;
  /** Why the window may be shorter than asked (the log starts later). */
  coverage?: string;
}

function ruleText(r: PolicyRule): string {
  if (r.nonResourceURLs.length) return `nonResourceURLs [${r.nonResourceURLs.join(', ')}] verbs [${r.verbs.join(', ')}]`;
  return `apiGroups [${r.apiGroups.map((g) => JSON.stringify(g)).join(', ')}] resources [${r.resources.join(', ')}]${r.resourceNames.length ? ` resourceNames [${r.resourceNames.join(', ')}]` : ''} verbs [${r.verbs.join(', ')}]`;
}

function bindingRef(b: RbacBinding): Record<string, unknown> {
  return { kind: b.kind, name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}), ...(b.loaded ? { source: `${b.loaded.source.file}:${b.loaded.source.locate([]).line}` } : {}) };
}

function subjectRef(s: Subject): Record<string, unknown> {
  return { kind: s.kind, name: s.name, ...(s.kind === 'ServiceAccount' && s.namespace ? { namespace: s.namespace } : {}) };
}

function findingJson(f: UnusedFinding): Record<string, unknown> {
  return {
    kind: f.kind,
    severity: f.severity,
    message: f.message,
    ...(f.binding ? { binding: bindingRef(f.binding) } : {}),
    ...(f.role ? { role: { kind: f.role.kind, name: f.role.name, ...(f.role.namespace ? { namespace: f.role.namespace } : {}) } } : {}),
    ...(f.ruleIndex !== undefined ? { ruleIndex: f.ruleIndex, rule: f.rule } : {}),
    ...(f.subject ? { subject: subjectRef(f.subject) } : {}),
    ...(f.bindings ? { bindings: f.bindings.map(bindingRef) } : {}),
    danger: f.danger,
  };
}

export function unusedData(o: UnusedOutput): Record<string, unknown> {
  return {
    window: windowJson(o.window),
    ...(o.coverage ? { coverage: o.coverage } : {}),
    findings: o.report.findings.map(findingJson),
    bindingsConsidered: o.report.bindingsConsidered,
    bindingsExcluded: o.report.bindingsExcluded,
    attribution: o.report.stats,
    read: readJson(o.read),
  };
}

const KIND_LABEL: Record<UnusedFinding['kind'], string> = {
  binding: 'unused binding',
  rule: 'unused rule',
  'binding-subject': 'unused subject',
  'missing-service-account': 'missing ServiceAccount',
  'absent-subject': 'absent subject',
  'user-not-group': 'user, not group',
};

export function unusedText(o: UnusedOutput): string {
  const r = o.report;
  const lines: string[] = [];
  lines.push(`RBAC not used ${describeWindow(o.window)}: ${o.read.requests} request(s) from ${o.read.files.length} file(s); ${r.bindingsConsidered} binding(s) checked, ${r.bindingsExcluded} system/vendor binding(s) left out (--include-system)`);
  if (o.coverage) lines.push(`note: ${o.coverage}`);
  lines.push('');
  if (r.findings.length === 0) lines.push('Every binding, bound rule and bound subject was used.');
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(8)} ${KIND_LABEL[f.kind]}  ${f.message}`);
    if (f.rule) lines.push(`         ${ruleText(f.rule)}`);
    const at = f.kind === 'rule' && f.role?.loaded && f.role.ruleOrigins[f.ruleIndex ?? -1]?.role === f.role.name ? f.role.loaded : f.binding?.loaded;
    if (at) lines.push(`         at ${at.source.file}:${at.source.locate(at === f.role?.loaded ? ['rules', f.ruleIndex ?? 0] : []).line}`);
    if (f.danger.length) lines.push(`         grants: ${f.danger.slice(0, 4).map((d) => `${d.id} (${d.severity}${d.names ? `, only ${d.names.join(', ')}` : ''})`).join(', ')}${f.danger.length > 4 ? `, … ${f.danger.length - 4} more` : ''}`);
  }
  const s = r.stats;
  lines.push('');
  lines.push(`attribution: ${s.byReason} by the authorization.k8s.io/reason annotation, ${s.byAuthorizer} by kubeharden's authorizer${s.staleReason ? ` (${s.staleReason} re-evaluated: the named role no longer allows them)` : ''}, ${s.masters} system:masters, ${s.notRbac} not granted by the RBAC read (another authorizer, or objects not in the input), ${s.denied} denied`);
  const gone = Object.entries(s.goneBindings);
  if (gone.length) lines.push(`requests allowed by bindings that no longer exist: ${gone.map(([k, n]) => `${k} (${n})`).join(', ')}`);
  lines.push(...describeRead(o.read));
  return `${lines.join('\n')}\n`;
}

export function unusedYaml(o: UnusedOutput): string {
  return stringify(unusedData(o), { lineWidth: 0 });
}
