import type { RestrictedVolumeType } from '../../pss/index.js';

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
