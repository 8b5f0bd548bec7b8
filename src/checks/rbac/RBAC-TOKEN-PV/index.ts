import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck } from '../_lib.js';

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
  targets: [
    { verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token' },
    { verbs: ['create'], group: '', resource: 'persistentvolumes', clusterOnly: true },
  ],
  impact: 'tokens act as ServiceAccounts; a hostPath PersistentVolume opens the node filesystem',
});
