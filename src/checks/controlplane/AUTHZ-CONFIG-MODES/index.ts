import { configCheck } from '../../_lib/controlplane.js';
import { AUTHORIZATION, CIS_K8S, NODE_AUTHZ, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { asList, asMap, asString } from '../../../k8s/json.js';

export const check = configCheck(
  {
    id: 'AUTHZ-CONFIG-MODES',
    title: 'Authorization configuration allows everything or lacks RBAC and Node',
    severity: 'high',
    category: 'control-plane',
    attack: 'An AlwaysAllow authorizer lets every authenticated caller do anything; without RBAC there is no least privilege, and without the Node authorizer every kubelet reads every Secret.',
    remediation: 'List the Node and RBAC authorizers (and your webhooks), never AlwaysAllow.',
    references: [AUTHORIZATION, NODE_AUTHZ, NSA_CISA, CIS_K8S],
    peers: { kubescape: ['C-0088'] },
    controls: { cis: ['1.2.6', '1.2.7', '1.2.8'], nsa: [NSA.controlPlane, NSA.rbac] },
  },
  'AuthorizationConfiguration',
  function* (o) {
    const authorizers = asList(o.object.authorizers);
    const types = authorizers.map((a) => asString(asMap(a)?.type));
    const allow = types.indexOf('AlwaysAllow');
    if (allow >= 0) {
      yield { message: 'an AlwaysAllow authorizer allows every authenticated request, whatever RBAC says', path: ['authorizers', allow, 'type'], severity: 'critical' };
      return;
    }
    const at = authorizers.length ? ['authorizers'] : [];
    if (!types.includes('RBAC')) yield { message: 'no RBAC authorizer: permissions cannot be granted per user, group or ServiceAccount', path: at };
    if (!types.includes('Node')) yield { message: 'no Node authorizer: every kubelet may read every Secret, ConfigMap and pod, not only those of its own node', path: at, severity: 'medium' };
  },
);
