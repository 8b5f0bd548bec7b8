import type { PodCheck } from '../../engine/types.js';
import type { Path } from '../../load/types.js';
import { asList, asMap } from '../../k8s/json.js';
import { NSA_CISA, SECURITY_CONTEXT } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';
import { COMMAND_LISTS } from './constants.js';

/** `sudo` as a command word: alone, as a path (/usr/bin/sudo), or inside a shell string. Not visudo, sudoers or --sudo. */
const SUDO = /(?:^|[\s;&|(`'"])(?:(?:\/[\w.-]+)*\/)?sudo(?=$|[\s;&|)`'"])/;

/** The list at `base` under the container spec (empty when any step is missing or not a map). */
function listAt(spec: Record<string, unknown>, base: readonly string[]): readonly unknown[] {
  let v: unknown = spec;
  for (const key of base) {
    const m = asMap(v);
    if (!m) return [];
    v = m[key];
  }
  return asList(v);
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-SUDO',
    title: 'Container runs commands with sudo',
    severity: 'medium',
    category: 'container-security',
    attack: 'sudo in a container command means the image ships a setuid-root binary and the workload expects to become root at run time: any process in the container can use the same path to escalate, and it only works where privilege escalation is allowed.',
    remediation: 'Remove sudo: run the command as the user the container already runs as, do root-only setup at image build time or in an init container with exactly the privileges it needs, and set allowPrivilegeEscalation: false.',
    references: [SECURITY_CONTEXT, NSA_CISA],
    peers: { kubescape: ['C-0062'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      for (const base of COMMAND_LISTS) {
        const list = listAt(c.spec, base);
        for (let i = 0; i < list.length; i++) {
          const s = list[i];
          if (typeof s !== 'string' || !SUDO.test(s)) continue;
          const path: Path = [...c.path, ...base, i];
          const shown = s.length > 80 ? `${s.slice(0, 77)}...` : s;
          yield containerFinding(c, `${describeContainer(c)} runs sudo in ${base.join('.')}[${i}]: ${JSON.stringify(shown)}`, path);
        }
      }
    }
  },
};
