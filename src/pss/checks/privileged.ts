/** privileged (baseline, v1.0+): containers must not set securityContext.privileged=true. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize } from '../util.js';
import { yamlTrue } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { containersPhrase, failure, namesWhere } from '../cel.js';

function check(v: PodView): PssResult | null {
  let bad: number[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc !== undefined && yamlTrue(sc.privileged)) (bad ??= []).push(i);
  }
  if (!bad) return null;
  const names = bad.map((i) => nameOf(v, i));
  return forbidden(
    'privileged',
    'privileged',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.privileged=true`,
    bad.map((i) => containerPath(v, i, 'securityContext', 'privileged')),
  );
}

function cel(p: PodCel): Cel {
  const names = namesWhere(p, (c) => `${c.v}.?securityContext.?privileged.orValue(false)`);
  return bind(names, 'n', failure('n.size() > 0', 'privileged', `${containersPhrase('n')} + ' must not set securityContext.privileged=true'`));
}

export const privileged: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
