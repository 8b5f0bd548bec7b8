import type { PodCheck } from '../../engine/types.js';
import { hostPathVolumes, mountSummary } from '../_lib/host-path.js';
import { CIS, HOSTPATH, NSA_CISA } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';
import { SOCKETS, SOCKET_DIRS } from './constants.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-RUNTIME-SOCKET',
    title: 'Container runtime socket mounted into the pod',
    severity: 'critical',
    category: 'host-isolation',
    attack: 'Whoever can talk to the container runtime\'s socket can start a privileged container with the node\'s root file system mounted: it is root on the node, and a read-only mount does not help (connecting to a socket is not a write).',
    remediation: 'Remove the volume. Build images with rootless tools (BuildKit rootless, Kaniko, Buildah) and read container metadata through the Kubernetes API or the kubelet\'s pod-resources API instead of the runtime socket.',
    references: [HOSTPATH, NSA_CISA, CIS],
    peers: { checkov: ['CKV_K8S_27'], kubeLinter: ['docker-sock'], kubesec: ['DockerSock'], trivy: ['KSV006'], kubescape: ['C-0074'] },
  },
  cel,
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      const base = v.hostPath.slice(v.hostPath.lastIndexOf('/') + 1);
      let what: string | undefined;
      if (SOCKETS.has(base)) what = `the ${base} runtime socket`;
      else if (SOCKET_DIRS.has(v.hostPath)) what = 'a directory holding container runtime sockets';
      if (!what) continue;
      yield {
        message: `volume "${v.name}" mounts ${v.raw}, ${what}: control of the runtime is root on the node (read-only does not prevent connecting), ${mountSummary(v, describeContainer)}`,
        path: v.fieldPath,
      };
    }
  },
};
