import type { PodCheck } from '../../engine/types.js';
import { effective } from '../../k8s/security-context.js';
import { describeContainers, offenders } from '../_lib/inheritance.js';
import { CIS, NSA_CISA, PSS_RESTRICTED, SECURITY_CONTEXT, USER_NAMESPACES } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { asInt, yamlTrue } from '../../k8s/json.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { runsInUserNamespace } from '../../pss/index.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-RUN-AS-UID0',
    title: 'Container runs as UID 0 (runAsUser: 0)',
    severity: 'high',
    category: 'container-security',
    attack: 'runAsUser: 0 runs the process as root, overriding a non-root USER in the image; without a user namespace that is root on the node\'s kernel, one bug away from owning the node.',
    remediation: 'Remove runAsUser: 0 from the pod and its containers and set a non-zero UID (10000 or more) that the image supports; where root inside the container is unavoidable, set hostUsers: false so UID 0 maps to an unprivileged host user.',
    references: [PSS_RESTRICTED, NSA_CISA, CIS, SECURITY_CONTEXT, USER_NAMESPACES],
    peers: { checkov: ['CKV_K8S_23'], kubeLinter: ['run-as-non-root'], trivy: ['KSV105'], kubescape: ['C-0198'] },
    ...enforcesPssControls('runAsUser'),
  },
  cel,
  *check(pod) {
    const o = offenders(pod, 'runAsUser', (v) => asInt(v) === 0);
    // In a user namespace UID 0 maps to an unprivileged host UID (the restricted policy allows it from v1.35).
    const userNs = runsInUserNamespace(pod.spec);
    const note = userNs ? ' (inside a user namespace: not root on the node)' : '';
    const sev = userNs ? { severity: 'low' as const } : {};
    const refused = (cs: readonly (typeof pod.containers)[number][]) =>
      cs.filter((c) => yamlTrue(effective(pod, c, 'runAsNonRoot').value));
    for (const { c, r } of o.own) {
      const kubelet = refused([c]).length ? '; with runAsNonRoot: true the kubelet refuses to start it' : '';
      yield { message: `${describeContainer(c)} sets runAsUser: 0 and runs as root${note}${kubelet}`, path: r.path, container: c.name, ...sev };
    }
    if (!o.pod) return;
    if (o.inherited.length) {
      const blocked = refused(o.inherited);
      const kubelet = blocked.length ? `; with runAsNonRoot: true the kubelet refuses to start ${describeContainers(blocked)}` : '';
      yield { message: `pod sets runAsUser: 0, inherited by ${describeContainers(o.inherited)}, which ${o.inherited.length === 1 ? 'runs' : 'run'} as root${note}${kubelet}`, path: o.pod.path, ...sev };
    } else {
      // Not effective today, but Pod Security Admission (restricted) rejects the pod for it, and
      // a container added later (an ephemeral debug container) would inherit it.
      yield {
        message: 'pod sets runAsUser: 0; every container overrides it, but the restricted policy still rejects the pod and a container added later (e.g. by kubectl debug) would run as root',
        path: o.pod.path,
        severity: 'low',
      };
    }
  },
};
