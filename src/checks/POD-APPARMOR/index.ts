import type { PodCheck } from '../../engine/types.js';
import { isMap } from '../../k8s/json.js';
import { describeContainers, offenders } from '../_lib/inheritance.js';
import { APPARMOR, NSA_CISA, PSS_BASELINE } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { allowedAppArmorAnnotation, allowedAppArmorType, APPARMOR_ANNOTATION_PREFIX } from '../../pss/index.js';
import { cel } from './cel.js';

function badProfile(v: unknown): boolean {
  return isMap(v) && !allowedAppArmorType(v.type);
}

function typeText(v: unknown): string {
  return isMap(v) && typeof v.type === 'string' ? v.type : JSON.stringify(isMap(v) ? v.type ?? null : v);
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-APPARMOR',
    title: 'AppArmor confinement disabled or overridden',
    severity: 'medium',
    category: 'pod-security',
    attack: 'The runtime\'s default AppArmor profile blocks mounts, writes to /proc and /sys and other escape primitives. Setting the profile to Unconfined (field or annotation) removes that layer on the nodes that enforce AppArmor.',
    remediation: 'Remove the Unconfined setting, or use appArmorProfile.type RuntimeDefault or Localhost (with a loaded profile). Migrate the deprecated container.apparmor.security.beta.kubernetes.io annotations to the securityContext.appArmorProfile field (Kubernetes 1.30+).',
    references: [PSS_BASELINE, APPARMOR, NSA_CISA],
    peers: { polaris: ['linuxHardening'], kubesec: ['ApparmorAny'], trivy: ['KSV002'], kubescape: ['C-0055'] },
    ...enforcesPssControls('appArmorProfile'),
  },
  cel,
  *check(pod) {
    const o = offenders(pod, 'appArmorProfile', badProfile);
    for (const { c, r } of o.own) {
      yield { message: `${describeContainer(c)} sets appArmorProfile.type ${typeText(r.value)}`, path: [...r.path, 'type'], container: c.name };
    }
    if (o.pod) {
      const path = [...o.pod.path, 'type'];
      if (o.inherited.length) {
        yield { message: `pod sets appArmorProfile.type ${typeText(o.pod.value)}, which applies to ${describeContainers(o.inherited)}`, path };
      } else {
        yield { message: `pod sets appArmorProfile.type ${typeText(o.pod.value)}; every container sets its own profile, but the baseline policy still rejects the pod and a container added later would inherit it`, path, severity: 'low' };
      }
    }
    const names = new Set(pod.containers.map((c) => c.name));
    for (const [key, value] of Object.entries(pod.annotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX) || allowedAppArmorAnnotation(value)) continue;
      const name = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
      const target = names.has(name) ? `container "${name}"` : `"${name}" (no container of that name)`;
      yield { message: `annotation ${key}: ${value} sets the AppArmor profile of ${target} to something other than runtime/default or localhost/<profile>`, path: [...pod.metaPath, 'annotations', key], ...(names.has(name) ? { container: name } : {}) };
    }
  },
};
