import type { RawFinding } from '../../../engine/types.js';
import { configCheck } from '../../_lib/controlplane.js';
import { AUDITING, CIS_K8S, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { auditLevel } from '../../../controlplane/audit-policy.js';
import { AUDIT_IDENTITIES, KEY_REQUESTS } from '../../../controlplane/audit-requests.js';
import { asList } from '../../../k8s/json.js';

export const check = configCheck(
  {
    id: 'AUDIT-POLICY-GAPS',
    title: 'Audit policy does not record security-relevant requests',
    severity: 'medium',
    category: 'control-plane',
    attack: 'An audit policy that drops reads of Secrets, exec and port-forward sessions, pod or deployment changes, or RBAC changes leaves exactly the steps of an intrusion out of the record.',
    remediation: 'Record at least Metadata for Secret access, pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy, changes to pods and deployments, and RBAC changes; drop only noisy read-only system traffic (health checks, leases, events).',
    references: [AUDITING, NSA_CISA, CIS_K8S],
    peers: { kubescape: ['C-0067'] },
    controls: { cis: ['3.2.1', '3.2.2'], nsa: [NSA.audit] },
  },
  'Policy',
  function* (o) {
    const rules = asList(o.object.rules);
    const gaps: Array<{ what: string; path: RawFinding['path']; rule?: number }> = [];
    let recorded = 0;
    for (const k of KEY_REQUESTS) {
      const missed = AUDIT_IDENTITIES.map((id) => ({ id, d: auditLevel(o.object, { ...id, ...k.request }) })).filter((x) => x.d.level === 'None');
      if (missed.length === 0) {
        recorded++;
        continue;
      }
      gaps.push({ what: `${k.what}${missed.length < AUDIT_IDENTITIES.length ? ` (by ${missed.map((m) => m.id.label).join(', ')})` : ''}`, path: missed[0].d.path, rule: missed[0].d.rule });
    }
    if (recorded === 0) {
      yield { message: rules.length === 0 ? 'the policy has no rules: no request is recorded' : 'the policy records none of the security-relevant requests (every one ends at level None)', path: rules.length ? ['rules'] : [], severity: 'high' };
      return;
    }
    // One finding per deciding rule (or per "no rule matched"), listing what it drops.
    const byRule = new Map<string, { path: RawFinding['path']; rule?: number; what: string[] }>();
    for (const g of gaps) {
      const key = String(g.rule);
      const entry = byRule.get(key) ?? { path: g.path, rule: g.rule, what: [] };
      entry.what.push(g.what);
      byRule.set(key, entry);
    }
    for (const e of byRule.values()) {
      yield {
        message: `${e.rule === undefined ? 'no rule matches' : `rules[${e.rule}] (level None) drops`} ${e.what.join('; ')}: ${e.rule === undefined ? 'such requests are not recorded' : 'they are not recorded'}`,
        path: e.path,
      };
    }
  },
);
