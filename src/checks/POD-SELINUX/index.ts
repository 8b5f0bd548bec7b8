import type { PodCheck, RawFinding } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import { asMap, goString } from '../../k8s/json.js';
import { describeContainers, offenders } from '../_lib/inheritance.js';
import { formatMinor, targetMinor, VERSION_SETTINGS } from '../_lib/k8s-version.js';
import { PSS_BASELINE, SELINUX } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { allowedSELinuxTypes, SELINUX_ENGINE_TYPE_MINOR, seLinuxAllowed, seLinuxViolations, type SELinuxField } from '../../pss/index.js';
import { cel } from './cel.js';

/** Whether one effective seLinuxOptions breaks the control's rule (run on every container). */
function breaksRule(v: unknown, types: ReadonlySet<string>): boolean {
  const opts = asMap(v);
  return opts !== undefined && !seLinuxAllowed(opts, types);
}

/** The offending parts of one seLinuxOptions (the control's rule), in words. */
function problems(v: unknown, types: ReadonlySet<string>): Array<{ field: SELinuxField; text: string }> {
  const o = asMap(v);
  if (!o) return [];
  return seLinuxViolations(o, types).map((field) => ({
    field,
    text: field === 'type' ? `type "${goString(o.type)}" is not one of the container types` : `${field} "${goString(o[field])}" is set`,
  }));
}

export const check: PodCheck<typeof VERSION_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'POD-SELINUX',
    title: 'SELinux options escape the container domain',
    severity: 'medium',
    category: 'pod-security',
    attack: 'On SELinux nodes the container_t domain is what stops a process that escapes the container from touching host files. A custom type (spc_t, unconfined_t…), user or role can run the container outside that confinement.',
    remediation: 'Remove seLinuxOptions.type (or use container_t, container_init_t, container_kvm_t, or container_engine_t from v1.31) and remove seLinuxOptions.user and .role; the level (MCS categories) may be set.',
    references: [PSS_BASELINE, SELINUX],
    peers: { polaris: ['linuxHardening'], trivy: ['KSV025'] },
    ...enforcesPssControls('seLinuxOptions'),
  },
  settings: VERSION_SETTINGS,
  cel,
  *check(pod, ctx) {
    const minor = targetMinor(ctx.settings);
    const types = allowedSELinuxTypes(minor);
    const note = (p: { field: string }) => (p.field === 'type' && minor < SELINUX_ENGINE_TYPE_MINOR ? ` (allowed: container_t, container_init_t, container_kvm_t; container_engine_t from v1.31, target ${formatMinor(minor)})` : '');
    const o = offenders(pod, 'seLinuxOptions', (v) => breaksRule(v, types));
    const at = (base: Path, field: string): Path => [...base, field];
    for (const { c, r } of o.own) {
      for (const p of problems(r.value, types)) {
        yield { message: `${describeContainer(c)} seLinuxOptions: ${p.text}${note(p)}`, path: at(r.path, p.field), container: c.name } satisfies RawFinding;
      }
    }
    if (o.pod) {
      for (const p of problems(o.pod.value, types)) {
        const path = at(o.pod.path, p.field);
        if (o.inherited.length) yield { message: `pod seLinuxOptions: ${p.text}${note(p)}, which applies to ${describeContainers(o.inherited)}`, path };
        else yield { message: `pod seLinuxOptions: ${p.text}${note(p)}; every container sets its own options, but the baseline policy still rejects the pod and a container added later would inherit it`, path, severity: 'low' };
      }
    }
  },
};
