import type { PodCheck, RemediationOp } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { effective } from '../../k8s/security-context.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import { CIS, NSA_CISA, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

/** True when the container already mounts a writable volume (where the app can keep writing). */
function hasWritableMount(c: ContainerRef): boolean {
  return asList(c.spec.volumeMounts).some((m) => asMap(m)?.readOnly !== true);
}

function tmpVolumeOps(pod: PodTarget, c: ContainerRef): RemediationOp[] {
  if (hasWritableMount(c)) return [];
  const volumeName = 'tmp';
  const haveVolume = asList(pod.spec.volumes).some((v) => asMap(v)?.name === volumeName);
  return [
    ...(haveVolume ? [] : [{ op: 'append' as const, path: [...pod.specPath, 'volumes'], value: { name: volumeName, emptyDir: {} } }]),
    { op: 'append', path: [...c.path, 'volumeMounts'], value: { name: volumeName, mountPath: '/tmp' } },
  ];
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-RO-ROOTFS',
    title: 'Container root filesystem is writable',
    severity: 'medium',
    category: 'container-security',
    attack: 'A writable root filesystem lets an intruder drop tools, replace binaries and persist inside the container; a read-only one forces writes into declared volumes you can see.',
    remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at each path the application writes to (often /tmp).',
    references: [NSA_CISA, CIS, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_22'], kubeLinter: ['no-read-only-root-fs'], kubeScore: ['container-security-context-readonlyrootfilesystem'], polaris: ['notReadOnlyRootFilesystem'], kubesec: ['ReadOnlyRootFilesystem'], trivy: ['KSV014'], kubescape: ['C-0017'] },
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // not supported on Windows containers
    for (const c of pod.containers) {
      const r = effective(pod, c, 'readOnlyRootFilesystem');
      if (r.value === true) continue;
      const hint = hasWritableMount(c) ? '' : '; mount an emptyDir for the paths it writes (e.g. /tmp)';
      yield containerFinding(c, `${describeContainer(c)} has a writable root filesystem (readOnlyRootFilesystem is not true)${hint}`, r.path, {
        description: 'set readOnlyRootFilesystem: true (plus an emptyDir at /tmp when the container has no writable mount)',
        ops: [{ op: 'set', path: r.path, value: true }, ...tmpVolumeOps(pod, c)],
      });
    }
  },
};
