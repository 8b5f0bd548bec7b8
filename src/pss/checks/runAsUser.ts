/**
 * runAsUser (restricted, v1.23+): neither the pod nor a container may set runAsUser=0.
 * v1.35+: allowed when spec.hostUsers=false.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { inUserNamespace, USER_NAMESPACE_RELAXATION_MINOR } from './procMount.js';
import { joinQuote, pluralize } from '../util.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { containersPhrase, failure, inUserNamespaceCel, namesWhere } from '../cel.js';

function isRoot(uid: unknown): boolean {
  return uid === 0 || uid === '0';
}

function check(v: PodView): PssResult | null {
  const podBad = v.podSecurityContext !== undefined && isRoot(v.podSecurityContext.runAsUser);
  let bad: number[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc !== undefined && isRoot(sc.runAsUser)) (bad ??= []).push(i);
  }
  if (!podBad && !bad) return null;
  const setters: string[] = [];
  const paths: PssPath[] = [];
  if (podBad) {
    setters.push('pod');
    paths.push(['spec', 'securityContext', 'runAsUser']);
  }
  if (bad) {
    const names = bad.map((i) => nameOf(v, i));
    setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
    for (const i of bad) paths.push(containerPath(v, i, 'securityContext', 'runAsUser'));
  }
  return forbidden('runAsUser', 'runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, paths);
}

function cel(p: PodCel): Cel {
  const podBad = `${p.spec}.?securityContext.?runAsUser.orValue(-1) == 0`;
  const names = namesWhere(p, (c) => `${c.v}.?securityContext.?runAsUser.orValue(-1) == 0`);
  const setters = bind(names, 'n', `[${podBad} ? 'pod' : '', n.size() > 0 ? ${containersPhrase('n')} : ''].filter(x, x != '')`);
  return bind(setters, 's', failure('s.size() > 0', 'runAsUser=0', "s.join(' and ') + ' must not set runAsUser=0'"));
}

export const runAsUser: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, check, cel },
    { minVersion: USER_NAMESPACE_RELAXATION_MINOR, check: (v) => (inUserNamespace(v) ? null : check(v)), cel: (p) => `((${inUserNamespaceCel(p)}) ? '' : ${cel(p)})` },
  ],
};
