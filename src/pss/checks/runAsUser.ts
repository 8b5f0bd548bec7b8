/**
 * runAsUser (restricted, v1.23+): neither the pod nor a container may set runAsUser=0.
 * v1.35+: allowed when spec.hostUsers=false.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { inUserNamespace, USER_NAMESPACE_RELAXATION_MINOR } from './procMount.js';
import { joinQuote, pluralize } from '../util.js';

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

export const runAsUser: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, check },
    { minVersion: USER_NAMESPACE_RELAXATION_MINOR, check: (v) => (inUserNamespace(v) ? null : check(v)) },
  ],
};
