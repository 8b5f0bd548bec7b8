/**
 * `rbac risks -o html`: the risks model mapped onto the generic HTML report. A risk is about a
 * subject (User, Group, ServiceAccount), so the subject is the finding's object and the grants
 * behind it (binding → role → rule) and any escalation path are its details.
 */
import { CATALOGUE } from '../../rbac/catalogue.js';
import type { GrantRef, RiskFinding } from '../../rbac/risks.js';
import { RBAC_GOOD_PRACTICES } from '../../checks/_lib/references.js';
import type { HtmlCheckInfo, HtmlFinding } from './model.js';
import { renderHtml } from './page.js';

const FIX = 'Remove the rule or the binding, or narrow it to what the subject needs (a namespaced Role instead of a ClusterRole, resourceNames, fewer verbs); `kubeharden rbac who-can` lists everyone else who holds it.';

/** Risks that are not catalogue rows, explained here. */
const OTHER: Record<string, { why: string; fix: string }> = {
  'user-bound-directly': { why: 'Permissions bound to individual Users outlive the person\'s role and are hard to review; Groups from the identity provider are revoked in one place.', fix: 'Bind the role to a Group the user belongs to, and remove the User subject.' },
  'dangling-role': { why: 'A binding to a role that does not exist grants nothing today, but whoever creates a role of that name later silently gains the binding\'s subjects.', fix: 'Delete the binding, or create the role it means with the least privilege.' },
  'missing-service-account': { why: 'A binding to a ServiceAccount that does not exist is inherited by whoever creates that ServiceAccount later.', fix: 'Delete the binding, or create the ServiceAccount it is meant for.' },
  'unmatchable-subject': { why: 'A subject no request can ever match (a wrong kind or apiGroup) hides a mistake: the intended subject has no access, or a review believes it has.', fix: 'Fix the subject\'s kind, apiGroup and namespace, or remove it.' },
};

function grantLine(g: GrantRef): string {
  const b = `${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name}`;
  const r = `${g.role.kind} ${g.role.name}`;
  if (g.ruleIndex < 0) return `via ${b} → ${r}`;
  const rule = g.rule;
  const what = rule.nonResourceURLs.length ? `nonResourceURLs [${rule.nonResourceURLs.join(', ')}]` : `resources [${rule.resources.join(', ')}] in apiGroups [${rule.apiGroups.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `via ${b} → ${r} rule ${g.ruleIndex}: verbs [${rule.verbs.join(', ')}] on ${what}${rule.resourceNames.length ? ` named [${rule.resourceNames.join(', ')}]` : ''}${g.builtin ? ' (built-in)' : ''}`;
}

export function risksChecks(findings: readonly RiskFinding[]): HtmlCheckInfo[] {
  const out = new Map<string, HtmlCheckInfo>();
  for (const f of findings) {
    if (out.has(f.id)) continue;
    const row = CATALOGUE.find((r) => r.id === f.id);
    const other = OTHER[f.id];
    out.set(f.id, { id: f.id, title: row?.title ?? f.title, severity: row?.severity ?? f.severity, category: 'rbac', why: row?.why ?? other?.why ?? f.title, fix: other?.fix ?? FIX, references: [RBAC_GOOD_PRACTICES] });
  }
  return [...out.values()];
}

export function riskToHtml(f: RiskFinding): HtmlFinding {
  const detail = [`scope: ${f.scope ? `namespace ${f.scope}` : 'cluster-wide'}`, ...f.grants.slice(0, 10).map(grantLine)];
  if (f.grants.length > 10) detail.push(`… and ${f.grants.length - 10} more grants (-o json lists all)`);
  for (const p of f.path ?? []) detail.push(`path: ${p.from.kind} ${p.from.name} → ${p.to.kind} ${p.to.name}: ${p.how}`);
  if (f.names) detail.push(`only resources named: ${f.names.join(', ')}`);
  return {
    check: f.id,
    severity: f.severity,
    title: f.title,
    message: f.message,
    category: 'rbac',
    object: { kind: f.subject.kind, ...(f.subject.namespace ? { namespace: f.subject.namespace } : {}), name: f.subject.name },
    detail,
  };
}

export function risksHtml(findings: readonly RiskFinding[], opts: { subject: string; toolVersion: string; failOn: string; warnings?: readonly string[] }): string {
  return renderHtml({
    title: 'kubeharden rbac risks',
    subject: opts.subject,
    toolVersion: opts.toolVersion,
    failOn: opts.failOn,
    findings: findings.map(riskToHtml),
    checks: risksChecks(findings),
    errors: [],
    warnings: opts.warnings ?? [],
  });
}
