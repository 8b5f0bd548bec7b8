/** Node files holding cloud credentials; `*` matches one path segment. */
export const CREDENTIALS: ReadonlyArray<{ path: string; what: string }> = [
  { path: '/etc/kubernetes/azure.json', what: 'the AKS cloud-provider service principal' },
  { path: '/etc/kubernetes/azurestackcloud.json', what: 'the Azure Stack cloud-provider configuration' },
  { path: '/etc/kubernetes/cloud.conf', what: 'the cloud-provider configuration (OpenStack and others keep credentials there)' },
  { path: '/etc/kubernetes/cloud-config', what: 'the cloud-provider configuration' },
  { path: '/etc/kubernetes/vsphere.conf', what: 'the vSphere cloud-provider credentials' },
  { path: '/var/lib/waagent', what: 'the Azure VM agent\'s provisioning data and certificates' },
  { path: '/root/.aws', what: 'AWS credentials' },
  { path: '/home/*/.aws', what: 'AWS credentials' },
  { path: '/root/.azure', what: 'Azure CLI credentials' },
  { path: '/home/*/.azure', what: 'Azure CLI credentials' },
  { path: '/root/.config/gcloud', what: 'Google Cloud credentials' },
  { path: '/home/*/.config/gcloud', what: 'Google Cloud credentials' },
  { path: '/root/.oci', what: 'Oracle Cloud credentials' },
  { path: '/home/*/.oci', what: 'Oracle Cloud credentials' },
  { path: '/root/.aliyun', what: 'Alibaba Cloud credentials' },
  { path: '/home/*/.aliyun', what: 'Alibaba Cloud credentials' },
];

/**
 * Top-level directories above the credential files. Mounting them is reported by
 * VOL-HOSTPATH-SENSITIVE with the wider exposure; this check names the credential files only when
 * the mount is aimed at them (the file, or a directory close above it such as /etc/kubernetes).
 */
export const GENERIC = new Set(['/', '/etc', '/root', '/home', '/var', '/var/lib']);
