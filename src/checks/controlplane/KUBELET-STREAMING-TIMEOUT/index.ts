import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

/** A Go duration string that amounts to zero ("0", "0s", "0h0m0s"). */
function zeroDuration(v: string): boolean {
  return /^[+-]?(0+(\.0*)?(ns|us|\u00b5s|ms|s|m|h)?)+$/.test(v.trim());
}

export const check = kubeletField(
  {
    id: 'KUBELET-STREAMING-TIMEOUT',
    title: 'Kubelet never closes idle exec and port-forward streams',
    severity: 'low',
    category: 'node',
    attack: 'With streamingConnectionIdleTimeout 0 an exec, attach or port-forward session stays open forever once established: a forgotten or hijacked session keeps a foothold in the container, and idle connections pile up until the kubelet runs out of resources.',
    remediation: 'Set streamingConnectionIdleTimeout to a non-zero duration, e.g. 5m (the default is 4h).',
    references: [KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_143'] },
    controls: { cis: ['4.2.5'], nsa: [NSA.controlPlane] },
  },
  KUBELET_FIELDS.streamingConnectionIdleTimeout,
  (v) => (typeof v === 'string' && zeroDuration(v) ? `the kubelet keeps idle streaming connections open forever: streamingConnectionIdleTimeout is ${v}` : undefined),
);
