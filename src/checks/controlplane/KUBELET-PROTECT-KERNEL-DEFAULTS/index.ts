import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-PROTECT-KERNEL-DEFAULTS',
    title: 'Kubelet does not protect the kernel settings it relies on',
    severity: 'low',
    category: 'node',
    attack: 'The kubelet relies on kernel settings such as vm.overcommit_memory and kernel.panic_on_oops for memory accounting and eviction. Without protectKernelDefaults it silently changes them, or runs with values someone else changed, instead of refusing to start on a node whose kernel does not match.',
    remediation: 'Set the expected sysctls on the node (see the kubelet documentation) and protectKernelDefaults: true.',
    references: [KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_142'] },
    controls: { cis: ['v1.9:4.2.6'], nsa: [NSA.controlPlane] },
  },
  KUBELET_FIELDS.protectKernelDefaults,
  (v) => (v === false ? 'the kubelet does not protect kernel defaults: protectKernelDefaults is false' : undefined),
);
