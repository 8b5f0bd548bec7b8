import type { RawFinding, Severity } from '../../../engine/types.js';
import { configCheck } from '../../_lib/controlplane.js';
import { AUDITING, CIS_K8S, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { auditLevel, type AuditRequest } from '../../../controlplane/audit-policy.js';
import { AUDIT_IDENTITIES } from '../../../controlplane/audit-requests.js';

const SENSITIVE: ReadonlyArray<{ group: string; resource: string; namespace: string; severity: Severity; what: string }> = [
  { group: '', resource: 'secrets', namespace: 'default', severity: 'high', what: 'Secret values' },
  { group: 'authentication.k8s.io', resource: 'tokenreviews', namespace: '', severity: 'high', what: 'the bearer tokens under review' },
  { group: '', resource: 'configmaps', namespace: 'default', severity: 'medium', what: 'ConfigMap contents (often credentials too)' },
];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const check = configCheck(
  {
    id: 'AUDIT-POLICY-SECRET-BODIES',
    title: 'Audit policy writes Secret values into the audit log',
    severity: 'high',
    category: 'control-plane',
    attack: 'At Request or RequestResponse level the audit log stores request and response bodies: every Secret read or written — and every token sent to TokenReview — is copied in plain text to the log files, their backups and the SIEM they are shipped to.',
    remediation: 'Log secrets, configmaps and tokenreviews at the Metadata level, in a rule placed before any broader Request/RequestResponse rule.',
    references: [AUDITING, NSA_CISA, CIS_K8S],
    peers: {},
    controls: { cis: ['3.2.2'], nsa: [NSA.audit] },
  },
  'Policy',
  function* (o) {
    const byRule = new Map<string, RawFinding>();
    for (const s of SENSITIVE) {
      for (const id of AUDIT_IDENTITIES) {
        for (const verb of s.resource === 'tokenreviews' ? ['create'] : VERBS) {
          const req: AuditRequest = { ...id, verb, resource: { group: s.group, resource: s.resource, namespace: s.namespace } };
          const d = auditLevel(o.object, req);
          if (d.level !== 'Request' && d.level !== 'RequestResponse') continue;
          const key = `${s.resource}|${d.rule}`;
          if (!byRule.has(key)) {
            byRule.set(key, { message: `${d.level} level for ${verb} ${s.resource} (${id.label}): the audit log stores ${s.what}`, path: d.path, severity: s.severity });
          }
        }
      }
    }
    yield* byRule.values();
  },
);
