import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { HOSTPATH, PSS_RESTRICTED } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { ALLOWED_VOLUME_TYPES, restrictedVolumeType } from '../../pss/index.js';
import { cel } from './cel.js';
import { CONCERN } from './constants.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-NON-CORE',
    title: 'Volume type outside the restricted set',
    severity: 'low',
    category: 'pod-security',
    attack: 'Inline volume sources other than the core ones make the node mount host directories, network shares or disks for the pod directly, bypassing PersistentVolume access control, and some (gitRepo, flexVolume) run programs as root on the node.',
    remediation: `Use only ${ALLOWED_VOLUME_TYPES.join(', ')} volumes; reach network storage through a PersistentVolumeClaim (or a CSI driver) so an administrator controls which storage a namespace may use.`,
    references: [PSS_RESTRICTED, HOSTPATH],
    peers: { trivy: ['KSV028'] },
    ...enforcesPssControls('restrictedVolumes'),
  },
  cel,
  *check(pod) {
    const vols = asList(pod.spec.volumes);
    for (let i = 0; i < vols.length; i++) {
      const v = asMap(vols[i]);
      const type = v && restrictedVolumeType(v);
      // hostPath is reported once, by VOL-HOSTPATH (a baseline control, so a restricted one too).
      if (!v || !type || type === 'hostPath') continue;
      yield { message: `volume "${asString(v.name) ?? ''}" is ${type}: ${CONCERN[type]}`, path: podPath(pod, 'volumes', i, type) };
    }
  },
};
