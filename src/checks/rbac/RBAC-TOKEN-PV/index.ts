import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck, targetsOf } from '../_lib.js';
import { PERMISSIONS } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-TOKEN-PV',
    title: 'Role can request ServiceAccount tokens or create PersistentVolumes',
    severity: 'medium',
    category: 'rbac',
    attack: 'create on serviceaccounts/token issues a token for any ServiceAccount of the namespace (acting as it); create on persistentvolumes allows a hostPath volume that exposes the node filesystem.',
    remediation: 'Remove create on serviceaccounts/token (or restrict it with resourceNames) and leave PersistentVolume creation to the storage provisioner.',
    references: [RBAC_GOOD_PRACTICES, CIS],
    peers: { kubescape: ['C-0282', 'C-0278'] },
  },
  targets: targetsOf(PERMISSIONS.requestTokens, PERMISSIONS.createPersistentVolumes),
  impact: 'tokens act as ServiceAccounts; a hostPath PersistentVolume opens the node filesystem',
});
