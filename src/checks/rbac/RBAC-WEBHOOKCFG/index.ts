import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, type Target, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

/** The catalogue's admission-control permission, plus deletecollection (which also switches policy off). */
const targets: Target[] = targetsOf(PERMISSIONS.changeAdmission).map((t) => ({ ...t, verbs: [...t.verbs, 'deletecollection'], label: t.resource }));

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-WEBHOOKCFG',
    title: 'ClusterRole can change admission control',
    severity: 'high',
    category: 'rbac',
    attack: 'An admission webhook receives (and a mutating one rewrites) every object it registers for, Secrets included; deleting webhooks or admission policies switches policy enforcement off.',
    remediation: 'Grant write access to webhook configurations and admission policies only to the controllers that own them, with resourceNames limited to their own objects.',
    references: [RBAC_GOOD_PRACTICES, CIS],
    peers: { checkov: ['CKV_K8S_155'], trivy: ['KSV114'], kubescape: ['C-0281'] },
  },
  targets,
  impact: 'webhooks see or mutate every object admitted, and deleting them switches policy off',
});
