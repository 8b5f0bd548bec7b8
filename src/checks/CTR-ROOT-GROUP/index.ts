import type { PodCheck } from '../../engine/types.js';
import { asInt, asList } from '../../k8s/json.js';
import { podSecurityContext } from '../../k8s/security-context.js';
import { describeContainers, offenders } from '../_lib/inheritance.js';
import { NSA_CISA, SECURITY_CONTEXT } from '../_lib/references.js';
import { describeContainer, podPath } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-ROOT-GROUP',
    title: 'Container runs with the root group (GID 0)',
    severity: 'low',
    category: 'container-security',
    attack: 'GID 0 opens every file and device that is group-owned by root and group-writable, on the image and, through host mounts or after an escape, on the node, even when the UID is not root.',
    remediation: 'Set runAsGroup and fsGroup to a non-zero GID (10000 or more) and remove 0 from supplementalGroups.',
    references: [SECURITY_CONTEXT, NSA_CISA],
    peers: { kubeLinter: ['run-as-non-root'], trivy: ['KSV116'], kubescape: ['C-0013'] },
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // GIDs do not apply to Windows containers (the API rejects these fields there)
    const o = offenders(pod, 'runAsGroup', (v) => asInt(v) === 0);
    for (const { c, r } of o.own) yield { message: `${describeContainer(c)} sets runAsGroup: 0 (primary group root)`, path: r.path, container: c.name };
    // A pod-level value that every container overrides is not effective: nothing to report.
    if (o.pod && o.inherited.length) yield { message: `pod sets runAsGroup: 0 (primary group root), inherited by ${describeContainers(o.inherited)}`, path: o.pod.path };
    const psc = podSecurityContext(pod);
    if (asInt(psc?.fsGroup) === 0) {
      yield { message: 'pod sets fsGroup: 0: every container gets the root group as a supplementary group, and volumes are made group-owned by root', path: podPath(pod, 'securityContext', 'fsGroup') };
    }
    const groups = asList(psc?.supplementalGroups);
    for (let i = 0; i < groups.length; i++) {
      if (asInt(groups[i]) === 0) yield { message: 'pod adds 0 (root) to supplementalGroups of every container', path: podPath(pod, 'securityContext', 'supplementalGroups', i) };
    }
  },
};
