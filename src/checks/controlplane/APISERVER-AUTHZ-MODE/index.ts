import { processCheck } from '../../_lib/controlplane.js';
import { AUTHORIZATION, CIS_K8S, KUBE_APISERVER_REF, NODE_AUTHZ, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-AUTHZ-MODE',
    title: 'API server authorizes without RBAC and Node, or allows everything',
    severity: 'high',
    category: 'control-plane',
    attack: 'AlwaysAllow lets every authenticated caller — any ServiceAccount token of any pod — do anything, including reading every Secret and creating privileged pods. Without RBAC there is no least privilege at all; without the Node authorizer every kubelet can read every Secret in the cluster, so one compromised node is all of them.',
    remediation: 'Run kube-apiserver with --authorization-mode=Node,RBAC (plus Webhook if you use one), never AlwaysAllow; or configure the same authorizers in an AuthorizationConfiguration (--authorization-config).',
    references: [AUTHORIZATION, NODE_AUTHZ, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_73', 'CKV_K8S_74', 'CKV_K8S_75'], kubescape: ['C-0088'] },
    controls: { cis: ['1.2.6', '1.2.7', '1.2.8'], nsa: [NSA.controlPlane, NSA.rbac] },
  },
  ['kube-apiserver'],
  function* (p) {
    // --authorization-config replaces the flag (AUTHZ-CONFIG-MODES checks that file; both at once is CP-CONFIG-INVALID).
    if (p.flags.nonEmpty('authorization-config')) return;
    const list = p.flags.list('authorization-mode');
    const modes = list?.map((m) => m.value) ?? ['AlwaysAllow'];
    const at = p.flags.last('authorization-mode')?.arg.path ?? p.anchor;
    const where = list ? `--authorization-mode=${modes.join(',')}` : '--authorization-mode is not set (default AlwaysAllow)';
    if (modes.includes('AlwaysAllow')) {
      yield { message: `${where}: every authenticated request is allowed, whatever RBAC says`, path: at, severity: 'critical' };
      return;
    }
    if (!modes.includes('RBAC')) yield { message: `${where} has no RBAC: permissions cannot be granted per user, group or ServiceAccount`, path: at };
    if (!modes.includes('Node')) yield { message: `${where} has no Node authorizer: every kubelet may read every Secret, ConfigMap and pod, not only those of its own node`, path: at, severity: 'medium' };
  },
);
