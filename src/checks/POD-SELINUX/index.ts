import type { PodCheck, RawFinding } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import { asMap } from '../../k8s/json.js';
import { describeContainers, offenders } from '../_lib/inheritance.js';
import { formatMinor, targetMinor, VERSION_SETTINGS } from '../_lib/k8s-version.js';
import { PSS_BASELINE, SELINUX } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';

const TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<string> = new Set([...TYPES_1_0, 'container_engine_t']);

/** The cheap test `offenders` runs on every container: does one seLinuxOptions have a problem? */
function hasProblem(v: unknown, types: ReadonlySet<string>): boolean {
  const o = asMap(v);
  return o !== undefined && (!types.has(str(o.type)) || str(o.user) !== '' || str(o.role) !== '');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The offending parts of one seLinuxOptions (type outside the allowed set, any user or role). */
function problems(v: unknown, types: ReadonlySet<string>): Array<{ field: 'type' | 'user' | 'role'; text: string }> {
  const o = asMap(v);
  if (!o) return [];
  const out: Array<{ field: 'type' | 'user' | 'role'; text: string }> = [];
  const type = str(o.type);
  if (!types.has(type)) out.push({ field: 'type', text: `type "${type}" is not one of the container types` });
  if (str(o.user) !== '') out.push({ field: 'user', text: `user "${str(o.user)}" is set` });
  if (str(o.role) !== '') out.push({ field: 'role', text: `role "${str(o.role)}" is set` });
  return out;
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
    pss: 'baseline',
  },
  settings: VERSION_SETTINGS,
  *check(pod, ctx) {
    const minor = targetMinor(ctx.settings);
    const types = minor >= 31 ? TYPES_1_31 : TYPES_1_0;
    const note = (p: { field: string }) => (p.field === 'type' && minor < 31 ? ` (allowed: container_t, container_init_t, container_kvm_t; container_engine_t from v1.31, target ${formatMinor(minor)})` : '');
    const o = offenders(pod, 'seLinuxOptions', (v) => hasProblem(v, types));
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
