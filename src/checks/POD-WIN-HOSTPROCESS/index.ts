import type { PodCheck, StructuredRemediation } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import { asMap, yamlTrue } from '../../k8s/json.js';
import { containerSecurityContext, podSecurityContext } from '../../k8s/security-context.js';
import { NSA_CISA, PSS_BASELINE, WINDOWS_HOSTPROCESS } from '../_lib/references.js';
import { containerFinding, describeContainer, podPath } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { cel } from './cel.js';

/** hostProcess: false reverses an explicit choice: `fix` applies it only with --overwrite. */
function off(path: Path): StructuredRemediation {
  return { description: 'set windowsOptions.hostProcess to false (the workload must then work as a normal Windows container)', ops: [{ op: 'set', path, value: false, overwrite: true }] };
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-WIN-HOSTPROCESS',
    title: 'Windows HostProcess container',
    severity: 'high',
    category: 'host-isolation',
    attack: 'A HostProcess container is a process on the Windows node itself, with the node\'s network and file system and, as SYSTEM or an administrator, full control of the node: it is the Windows equivalent of a privileged container.',
    remediation: 'Remove securityContext.windowsOptions.hostProcess (pod and containers). Node agents that truly need it belong in a dedicated namespace with an exemption that names the reason.',
    references: [PSS_BASELINE, WINDOWS_HOSTPROCESS, NSA_CISA],
    peers: { polaris: ['hostProcess'], trivy: ['KSV103'], kubescape: ['C-0202'] },
    ...enforcesPssControls('windowsHostProcess'),
  },
  cel,
  *check(pod) {
    // Explicit true at either level is what Pod Security Admission rejects; it does not depend on
    // spec.os (hostProcess is only valid on Windows, and the API rejects mixing levels).
    const podWo = asMap(podSecurityContext(pod)?.windowsOptions);
    if (podWo && yamlTrue(podWo.hostProcess)) {
      yield {
        message: 'pod sets securityContext.windowsOptions.hostProcess=true: every container runs as a process on the Windows node',
        path: podPath(pod, 'securityContext', 'windowsOptions', 'hostProcess'),
        fix: off(podPath(pod, 'securityContext', 'windowsOptions', 'hostProcess')),
      };
    }
    for (const c of pod.containers) {
      const wo = asMap(containerSecurityContext(c)?.windowsOptions);
      if (wo && yamlTrue(wo.hostProcess)) {
        const path = [...c.path, 'securityContext', 'windowsOptions', 'hostProcess'];
        yield containerFinding(c, `${describeContainer(c)} sets securityContext.windowsOptions.hostProcess=true: it runs as a process on the Windows node`, path, off(path));
      }
    }
  },
};
