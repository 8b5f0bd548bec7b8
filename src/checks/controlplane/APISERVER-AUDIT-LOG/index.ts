import { processCheck } from '../../_lib/controlplane.js';
import { AUDITING, CIS_K8S, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-AUDIT-LOG',
    title: 'API server writes no audit log',
    severity: 'high',
    category: 'control-plane',
    attack: 'Without an audit backend there is no record of who read which Secret, exec\'d into which pod or bound which role: an intrusion cannot be detected, scoped or proven afterwards.',
    remediation: 'Set --audit-log-path (with --audit-log-maxage, --audit-log-maxbackup and --audit-log-maxsize) or --audit-webhook-config-file, together with --audit-policy-file.',
    references: [AUDITING, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_91'], kubescape: ['C-0067'] },
    controls: { cis: ['1.2.16'], nsa: [NSA.audit] },
  },
  ['kube-apiserver'],
  function* (p) {
    if (p.flags.nonEmpty('audit-log-path') || p.flags.nonEmpty('audit-webhook-config-file')) return;
    const at = p.flags.last('audit-log-path');
    yield {
      message: at
        ? 'kube-apiserver sets --audit-log-path to an empty value and has no --audit-webhook-config-file: no audit events are written anywhere'
        : 'kube-apiserver sets neither --audit-log-path nor --audit-webhook-config-file: no audit events are written anywhere',
      path: at?.arg.path ?? p.anchor,
    };
  },
);
