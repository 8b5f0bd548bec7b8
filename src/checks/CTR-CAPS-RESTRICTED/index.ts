import type { PodCheck } from '../../engine/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { capabilities, containerSecurityContext } from '../../k8s/security-context.js';
import { capString } from '../_lib/capabilities.js';
import { CAPABILITIES_MAN, PSS_RESTRICTED } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { DROP_ALL, RESTRICTED_ADDABLE_CAPABILITIES } from '../../pss/index.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-CAPS-RESTRICTED',
    title: 'Capabilities exceed the restricted policy (drop ALL, add only NET_BIND_SERVICE)',
    severity: 'medium',
    optIn: true,
    category: 'container-security',
    attack: 'The restricted policy leaves a container with no capability except, if asked for, NET_BIND_SERVICE: a compromised process then has no kernel privilege to build an escape or attack its neighbours with.',
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] (exactly "ALL") on every container and remove every entry of capabilities.add except NET_BIND_SERVICE.',
    references: [PSS_RESTRICTED, CAPABILITIES_MAN],
    peers: { trivy: ['KSV106'] },
    ...enforcesPssControls('capabilities_restricted'),
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // the Pod Security Standards exempt Windows pods (v1.25+)
    for (const c of pod.containers) {
      const caps = capabilities(c);
      const d = describeContainer(c);
      if (!caps.drop.includes(DROP_ALL)) {
        const near = caps.drop.find((x) => /^(CAP_)?ALL$/i.test(x));
        yield containerFinding(c, near ? `${d} drops "${near}", which is not "ALL": Pod Security Admission compares names exactly` : `${d} does not drop ALL capabilities`, [...caps.path, 'drop'], {
          description: 'add "ALL" to securityContext.capabilities.drop (capabilities.add, e.g. NET_BIND_SERVICE, still applies)',
          ops: [{ op: 'append', path: [...caps.path, 'drop'], value: 'ALL' }],
        });
      }
      const add = asList(asMap(containerSecurityContext(c)?.capabilities)?.add);
      for (let i = 0; i < add.length; i++) {
        const cap = capString(add[i]);
        if (RESTRICTED_ADDABLE_CAPABILITIES.has(cap)) continue;
        // Removing an added capability reverses an explicit choice: `fix` applies it only with --overwrite.
        const fix = typeof add[i] === 'string' ? { description: `remove ${cap} from securityContext.capabilities.add`, ops: [{ op: 'remove-item' as const, path: [...caps.path, 'add'], value: cap }] } : undefined;
        yield containerFinding(c, `${d} adds "${cap}": the restricted policy allows adding only NET_BIND_SERVICE`, [...caps.path, 'add', i], fix);
      }
    }
  },
};
