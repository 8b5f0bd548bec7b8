import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-EVENT-QPS',
    title: 'Kubelet limits events below its default rate',
    severity: 'low',
    category: 'node',
    attack: 'Events the kubelet cannot send within its rate limit are dropped: failed mounts, image pulls and probe failures during an incident may never reach the cluster\'s event stream that alerting and investigations read.',
    remediation: 'Leave eventRecordQPS at its default (50) or raise it for busy nodes; 0 does not mean unlimited, it means the client default of 5 per second.',
    references: [KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_146'] },
    controls: { cis: ['4.2.8'], nsa: [NSA.audit] },
    optIn: true,
  },
  KUBELET_FIELDS.eventRecordQPS,
  (v) => {
    if (typeof v !== 'number') return undefined;
    const rate = v === 0 ? 5 : v;
    return rate < 50 ? `the kubelet sends at most ${rate} events per second (eventRecordQPS ${v}${v === 0 ? ', which means the client default of 5' : ''}); events above that rate are dropped` : undefined;
  },
);
