import type { PodCheck } from '../../engine/types.js';
import { hostPathVolumes, mountSummary } from '../_lib/host-path.js';
import { CIS, HOSTPATH, NSA_CISA, PSS_BASELINE } from '../_lib/references.js';
import { describeContainer, podPath } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-HOSTPATH',
    title: 'Pod mounts a hostPath volume',
    severity: 'medium',
    category: 'host-isolation',
    attack: 'A hostPath volume puts a piece of the node\'s file system inside the container: node files, sockets and other pods\' data become reachable, and writes land on the node. It is the most common step from a compromised container to the node.',
    remediation: 'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret, a PersistentVolumeClaim or a CSI volume. Node agents that truly need host files belong in a dedicated namespace with an exemption that names the reason; mount them readOnly.',
    references: [PSS_BASELINE, HOSTPATH, NSA_CISA, CIS],
    peers: { polaris: ['hostPathSet'], trivy: ['KSV023'], kubescape: ['C-0048'] },
    ...enforcesPssControls('hostPathVolumes', 'restrictedVolumes'),
  },
  cel,
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      yield {
        message: `volume "${v.name}" is hostPath ${v.raw || '(no path)'}${v.type ? ` (type ${v.type})` : ''}, ${mountSummary(v, describeContainer)}`,
        path: podPath(pod, 'volumes', v.index, 'hostPath'),
      };
    }
  },
};
