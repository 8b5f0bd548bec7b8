/**
 * allowPrivilegeEscalation (restricted, v1.8+): every container must set
 * securityContext.allowPrivilegeEscalation=false. v1.25+: pods with spec.os.name=windows are exempt.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize } from '../util.js';
import { yamlFalse } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { containersPhrase, failure, namesWhere, unlessWindowsPss } from '../cel.js';

function check(v: PodView): PssResult | null {
  let bad: number[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc === undefined || !yamlFalse(sc.allowPrivilegeEscalation)) (bad ??= []).push(i);
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

function cel(p: PodCel): Cel {
  const names = namesWhere(p, (c) => `${c.v}.?securityContext.?allowPrivilegeEscalation.orValue(true)`);
  return bind(names, 'n', failure('n.size() > 0', 'allowPrivilegeEscalation != false', `${containersPhrase('n')} + ' must set securityContext.allowPrivilegeEscalation=false'`));
}

export const allowPrivilegeEscalation: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, check, cel },
    { minVersion: 25, check: (v) => (v.windows ? null : check(v)), cel: (p) => unlessWindowsPss(p, cel(p)) },
  ],
};
