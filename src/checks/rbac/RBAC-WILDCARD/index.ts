import type { LoadedObject } from '../../../load/types.js';
import type { ObjectCheck, RawFinding, Severity } from '../../../engine/types.js';
import { asList } from '../../../k8s/json.js';
import { CIS, NSA_CISA, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { effectiveRawRules, roleLabel, ROLE_KINDS } from '../_lib.js';
import { cel } from './cel.js';

const WILDCARD_FIELDS = ['verbs', 'resources', 'apiGroups'] as const;

/** `*` in verbs, resources or apiGroups of a rule: one finding per rule, naming every field with `*`. */
export const check: ObjectCheck = {
  scope: 'object',
  kinds: ROLE_KINDS,
  meta: {
    id: 'RBAC-WILDCARD',
    title: 'Role uses wildcards in verbs, resources or apiGroups',
    severity: 'high',
    category: 'rbac',
    attack: '`*` grants every verb or resource that exists now and every one added later (CRDs, new subresources such as pods/exec); `*` on verbs, resources and apiGroups together is cluster-admin in the role\'s scope.',
    remediation: 'List the verbs, resources and API groups the subject needs explicitly.',
    references: [RBAC_GOOD_PRACTICES, NSA_CISA, CIS],
    peers: { checkov: ['CKV_K8S_49'], kubeLinter: ['wildcard-in-rules'], trivy: ['KSV044', 'KSV045', 'KSV046', 'KSV112'], kubescape: ['C-0187'] },
  },
  cel,
  *check(o: LoadedObject): Iterable<RawFinding> {
    for (const r of effectiveRawRules(o)) {
      const { rule } = r;
      const fields = WILDCARD_FIELDS.filter((field) => asList(r.raw[field]).includes('*'));
      if (fields.length === 0) continue;
      const all = rule.verbs.includes('*') && rule.resources.includes('*') && rule.apiGroups.includes('*');
      const severity: Severity = all ? 'critical' : fields.some((f) => f !== 'apiGroups') ? 'high' : 'low';
      const what = (field: (typeof WILDCARD_FIELDS)[number]): string =>
        field === 'verbs'
          ? `every verb (escalate, bind, impersonate, delete…) on ${rule.resources.join(', ') || rule.nonResourceURLs.join(', ')}`
          : field === 'resources'
            ? `every resource and subresource (secrets, pods/exec…) of ${rule.apiGroups.map((g) => (g === '' ? 'core' : g)).join(', ')}`
            : `${rule.resources.join(', ')} in every API group, including groups added later`;
      const f: RawFinding = {
        message: all
          ? `${roleLabel(o)} rule ${r.index} grants every verb on every resource of every API group: cluster-admin in its scope`
          : `${roleLabel(o)} rule ${r.index} has "*" in ${fields.join(' and ')}: ${fields.map(what).join('; ')}`,
        path: ['rules', r.index, fields[0], asList(r.raw[fields[0]]).indexOf('*')],
      };
      if (severity !== 'high') f.severity = severity;
      yield f;
    }
  },
};
