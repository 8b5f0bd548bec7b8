import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { HOSTPATH, PSS_RESTRICTED } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { ALLOWED_VOLUME_TYPES, restrictedVolumeType, type RestrictedVolumeType } from '../../pss/index.js';
import { cel } from './cel.js';

/** What makes each volume source outside the restricted set a concern (every one the control names). */
export const CONCERN: Readonly<Record<RestrictedVolumeType, string>> = {
  hostPath: 'a directory of the node',
  gitRepo: 'deprecated; the kubelet runs git on the node for it (CVE-2024-10220: command execution on the node)',
  flexVolume: 'runs a driver binary as root on the node',
  nfs: 'a network share mounted by the node, outside PersistentVolume access control',
  iscsi: 'a block device attached by the node, outside PersistentVolume access control',
  glusterfs: 'a network file system mounted by the node, outside PersistentVolume access control',
  rbd: 'a Ceph block device attached by the node, outside PersistentVolume access control',
  cephfs: 'a Ceph file system mounted by the node, outside PersistentVolume access control',
  cinder: 'a cloud disk attached by the node, outside PersistentVolume access control',
  fc: 'a Fibre Channel disk attached by the node',
  azureFile: 'an Azure file share mounted by the node, outside PersistentVolume access control',
  azureDisk: 'an Azure disk attached by the node, outside PersistentVolume access control',
  awsElasticBlockStore: 'an EBS volume attached by the node, outside PersistentVolume access control',
  gcePersistentDisk: 'a GCE disk attached by the node, outside PersistentVolume access control',
  vsphereVolume: 'a vSphere disk attached by the node',
  quobyte: 'a Quobyte volume mounted by the node',
  flocker: 'a Flocker volume (removed from Kubernetes)',
  photonPersistentDisk: 'a Photon disk (removed from Kubernetes)',
  portworxVolume: 'a Portworx volume mounted by the node',
  scaleIO: 'a ScaleIO volume (removed from Kubernetes)',
  storageos: 'a StorageOS volume (removed from Kubernetes)',
};

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
