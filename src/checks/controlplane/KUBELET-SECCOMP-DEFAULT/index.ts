import { kubeletField } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, NSA, SECCOMP_DEFAULT } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletField(
  {
    id: 'KUBELET-SECCOMP-DEFAULT',
    title: 'Kubelet runs containers without a seccomp profile by default',
    severity: 'low',
    category: 'node',
    attack: 'Pods that do not ask for a seccomp profile run Unconfined: every system call is open to them, including the rarely needed ones most kernel exploits use to escape a container.',
    remediation: 'Set seccompDefault: true, so containers without a profile get the runtime\'s RuntimeDefault profile (test workloads first: a few need extra system calls).',
    references: [SECCOMP_DEFAULT, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: {},
    controls: { cis: ['4.2.14'], nsa: [NSA.seccomp] },
  },
  KUBELET_FIELDS.seccompDefault,
  (v) => (v === false ? 'containers without a seccomp profile run Unconfined: seccompDefault is false' : undefined),
);
