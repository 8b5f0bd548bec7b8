import { processCheck } from '../../_lib/controlplane.js';
import { AUDITING, CIS_K8S, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-AUDIT-POLICY',
    title: 'API server has no audit policy',
    severity: 'high',
    category: 'control-plane',
    attack: 'The audit policy decides what is recorded; without --audit-policy-file the API server records nothing at all, even with a log path configured, so there is no trail of access to Secrets, exec sessions or RBAC changes.',
    remediation: 'Write an audit Policy (kubeharden generate audit-policy gives a starting point) and pass it with --audit-policy-file, together with an audit backend.',
    references: [AUDITING, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_91'], kubescape: ['C-0067'] },
    controls: { cis: ['3.2.1'], nsa: [NSA.audit] },
  },
  ['kube-apiserver'],
  function* (p) {
    if (p.flags.nonEmpty('audit-policy-file')) return;
    const at = p.flags.last('audit-policy-file');
    const backend = p.flags.nonEmpty('audit-log-path') ?? p.flags.nonEmpty('audit-webhook-config-file');
    yield {
      message: `kube-apiserver has no --audit-policy-file${at ? ' (it is set to an empty value)' : ''}: no request is audited${backend ? `, although ${backend.arg.text.split('=')[0]} is set` : ''}`,
      path: at?.arg.path ?? p.anchor,
    };
  },
);
