/**
 * allowPrivilegeEscalation (restricted, v1.8+): every container must set
 * securityContext.allowPrivilegeEscalation=false. v1.25+: pods with spec.os.name=windows are exempt.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssResult } from '../types.js';
import { isFalse, joinQuote, pluralize } from '../util.js';
import { containerPath, nameOf, type PodView } from '../view.js';

function check(v: PodView): PssResult | null {
  let bad: number[] | undefined;
  for (let i = 0; i < v.n; i++) {
    const sc = v.sc[i];
    if (sc === undefined || !isFalse(sc.allowPrivilegeEscalation)) (bad ??= []).push(i);
  }
  if (!bad) return null;
  const names = bad.map((i) => nameOf(v, i));
  return forbidden(
    'allowPrivilegeEscalation',
    'allowPrivilegeEscalation != false',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must set securityContext.allowPrivilegeEscalation=false`,
    bad.map((i) => containerPath(v, i, 'securityContext', 'allowPrivilegeEscalation')),
  );
}

export const allowPrivilegeEscalation: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, check },
    { minVersion: 25, check: (v) => (v.windows ? null : check(v)) },
  ],
};
