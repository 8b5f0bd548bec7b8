import type { ObjectCheck } from '../../../engine/types.js';
import { CIS, RBAC_GOOD_PRACTICES } from '../../_lib/references.js';
import { ruleCheck } from '../_lib.js';
import { ANY_GROUP, ANY_RESOURCE } from '../../../rbac/catalogue.js';

export const check: ObjectCheck = ruleCheck({
  meta: {
    id: 'RBAC-DELETE',
    title: 'Role can delete events, pod logs or every kind of object',
    severity: 'medium',
    category: 'rbac',
    attack: 'Deleting Events and pod logs covers an attacker\'s tracks; delete or deletecollection on `*` wipes every kind of object, including types added later.',
    remediation: 'Remove delete/deletecollection on events and pods/log, and name the resources a role may delete instead of `*`.',
    references: [RBAC_GOOD_PRACTICES, CIS],
    peers: { trivy: ['KSV042'], kubescape: ['C-0007', 'C-0031'] },
  },
  targets: [
    { verbs: ['delete', 'deletecollection'], group: '', resource: 'events' },
    { verbs: ['delete', 'deletecollection'], group: 'events.k8s.io', resource: 'events' },
    { verbs: ['delete', 'deletecollection'], group: '', resource: 'pods', subresource: 'log' },
    // Only `*` resources (in any group or this one) match a resource nobody serves.
    { verbs: ['delete', 'deletecollection'], group: ANY_GROUP, resource: ANY_RESOURCE, label: 'every resource (*)' },
    { verbs: ['delete', 'deletecollection'], group: '', resource: ANY_RESOURCE, label: 'every core resource (*)', fallback: true },
  ],
  impact: 'deleting events and logs hides an attack; `*` deletes every kind of object',
});
