import type { PodCheck } from '../../engine/types.js';
import { hostPathVolumes } from '../_lib/host-path.js';
import { HOSTPATH, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-HOSTPATH-WRITABLE',
    title: 'hostPath volume mounted writable',
    severity: 'high',
    category: 'host-isolation',
    attack: 'A writable hostPath mount lets the container change the node\'s files: plant binaries or configuration that the node later runs as root, tamper with other pods\' data, or plant symlinks the kubelet follows.',
    remediation: 'Set readOnly: true on the volumeMount (with recursiveReadOnly: Enabled when the host directory has submounts), or replace the hostPath volume with an emptyDir or a PersistentVolumeClaim.',
    references: [HOSTPATH, NSA_CISA],
    peers: { kubeLinter: ['writable-host-mount'], kubescape: ['C-0045'] },
  },
  cel,
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      for (const m of v.mounts) {
        if (m.readOnly) continue;
        yield containerFinding(m.c, `${describeContainer(m.c)} mounts hostPath ${v.raw || '(no path)'} (volume "${v.name}") writable at ${m.mountPath || '(no mountPath)'}`, [...m.path, 'readOnly']);
      }
    }
  },
};
