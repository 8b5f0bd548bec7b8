import type { PodCheck } from '../../engine/types.js';
import { effective } from '../../k8s/security-context.js';
import { SECURITY_CONTEXT } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { asInt, yamlTrue } from '../../k8s/json.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-NONROOT-UNVERIFIABLE',
    title: 'runAsNonRoot without a numeric runAsUser: non-root cannot be verified from the manifest',
    severity: 'low',
    category: 'container-security',
    attack: 'runAsNonRoot: true alone leaves the user to the image: the kubelet accepts a numeric non-zero USER, refuses root, and also refuses a named USER ("container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root"). Nothing in the manifest says which, so the guarantee is untestable before deploy and the pod can fail to start.',
    remediation: 'Set a numeric securityContext.runAsUser (the UID of the image\'s user, or 10000+ if the image allows any UID) next to runAsNonRoot: true, and build images with a numeric USER (USER 10001, not USER app).',
    references: [SECURITY_CONTEXT],
    peers: {},
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // Windows verifies runAsNonRoot against windowsOptions.runAsUserName instead
    for (const c of pod.containers) {
      const nonRoot = effective(pod, c, 'runAsNonRoot');
      if (!yamlTrue(nonRoot.value)) continue;
      if (asInt(effective(pod, c, 'runAsUser').value) !== undefined) continue;
      const from = nonRoot.from === 'pod' ? ' (from the pod)' : '';
      yield {
        message: `${describeContainer(c)} has runAsNonRoot: true${from} but no numeric runAsUser: only the image's USER decides, and the kubelet refuses a named one ("cannot verify user is non-root")`,
        path: [...c.path, 'securityContext', 'runAsUser'],
        container: c.name,
      };
    }
  },
};
