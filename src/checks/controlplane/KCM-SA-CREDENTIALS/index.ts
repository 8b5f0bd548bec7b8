import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, NSA, SA_ADMIN } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'KCM-SA-CREDENTIALS',
    title: 'Controller manager runs every controller with its own broad credentials',
    severity: 'medium',
    category: 'control-plane',
    attack: 'Without --use-service-account-credentials every controller acts with the controller manager\'s single, very broad identity: least privilege per controller is lost, and the audit log cannot tell which controller did what.',
    remediation: 'Set --use-service-account-credentials=true on kube-controller-manager (kubeadm does); each controller then uses its system:controller:* ServiceAccount and role.',
    references: [SA_ADMIN, KCM_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_108'] },
    controls: { cis: ['1.3.3'], nsa: [NSA.rbac] },
  },
  ['kube-controller-manager'],
  function* (p) {
    const f = p.flags.bool('use-service-account-credentials');
    if (p.flags.isSet('use-service-account-credentials') && !f) return;
    if (f?.value === true) return;
    yield {
      message: f ? 'kube-controller-manager runs with --use-service-account-credentials=false: all controllers share its own credentials' : 'kube-controller-manager does not set --use-service-account-credentials, which defaults to false: all controllers share its own credentials',
      path: f?.at.arg.path ?? p.anchor,
    };
  },
);
