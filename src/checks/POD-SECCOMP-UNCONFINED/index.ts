import type { PodCheck, RawFinding } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import type { ContainerRef } from '../../k8s/pod-spec.js';
import { asMap } from '../../k8s/json.js';
import { containerSecurityContext, podSecurityContext } from '../../k8s/security-context.js';
import { describeContainers } from '../_lib/inheritance.js';
import { NSA_CISA, PSS_BASELINE, SECCOMP } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { SECCOMP_CONTAINER_ANNOTATION_PREFIX, SECCOMP_POD_ANNOTATION } from '../../pss/index.js';
import { cel } from './cel.js';

/** Where a seccomp setting comes from: the field, or the deprecated annotation the API server copies into an unset field. */
interface Setting {
  unconfined: boolean;
  path: Path;
  annotation: boolean;
}

/** `base` is the path of the pod spec or container whose securityContext is `sc`. */
function fieldSetting(sc: Record<string, unknown> | undefined, base: Path): Setting | undefined {
  const profile = asMap(sc?.seccompProfile);
  if (!profile) return undefined;
  return { unconfined: profile.type === 'Unconfined', path: [...base, 'securityContext', 'seccompProfile', 'type'], annotation: false };
}

function annotationSetting(annotations: Record<string, string>, key: string, metaPath: Path): Setting | undefined {
  if (!Object.prototype.hasOwnProperty.call(annotations, key)) return undefined;
  return { unconfined: annotations[key] === 'unconfined', path: [...metaPath, 'annotations', key], annotation: true };
}

/** What makes a setting unconfined, in words. */
function d(s: Setting): string {
  return s.annotation ? 'the deprecated annotation (copied into the unset field by the API server) sets seccomp to unconfined' : 'seccompProfile.type is Unconfined';
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-SECCOMP-UNCONFINED',
    title: 'Seccomp explicitly disabled (Unconfined)',
    severity: 'high',
    category: 'pod-security',
    attack: 'seccompProfile Unconfined opens every system call to the container, including the rarely used ones (keyctl, bpf, userfaultfd, unshare…) behind most kernel privilege-escalation exploits; it also disables the filtering the runtime would otherwise apply.',
    remediation: 'Remove the Unconfined profile, or replace it with RuntimeDefault or a reviewed Localhost profile that allows the extra system calls the process needs. kubeharden never changes an explicit profile automatically.',
    references: [PSS_BASELINE, SECCOMP, NSA_CISA],
    peers: { polaris: ['linuxHardening'], kubesec: ['SeccompUnconfined'], trivy: ['KSV104'] },
    ...enforcesPssControls('seccompProfile_baseline'),
  },
  cel,
  *check(pod) {
    const podSetting = fieldSetting(podSecurityContext(pod), pod.specPath) ?? annotationSetting(pod.annotations, SECCOMP_POD_ANNOTATION, pod.metaPath);
    const inherited: ContainerRef[] = [];
    const own: RawFinding[] = [];
    for (const c of pod.containers) {
      const s = fieldSetting(containerSecurityContext(c), c.path) ?? annotationSetting(pod.annotations, SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name, pod.metaPath);
      if (s) {
        if (s.unconfined) own.push({ message: `${describeContainer(c)}: ${d(s)}`, path: s.path, container: c.name });
      } else if (podSetting?.unconfined) inherited.push(c);
    }
    if (podSetting?.unconfined) {
      if (inherited.length) {
        yield { message: `pod-level ${d(podSetting)}, which applies to ${describeContainers(inherited)}`, path: podSetting.path };
      } else {
        // Not effective today, but the baseline policy rejects the pod for it, and a container
        // added later (an ephemeral debug container) would inherit it.
        yield { message: `pod-level ${d(podSetting)}; every container sets its own profile, but the baseline policy still rejects the pod and a container added later (e.g. by kubectl debug) would run unconfined`, path: podSetting.path, severity: 'low' };
      }
    }
    yield* own;
  },
};
