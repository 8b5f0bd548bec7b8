/**
 * procMount (baseline, v1.0+): securityContext.procMount must be unset or "Default".
 *   v1.35+: any value is allowed when spec.hostUsers=false (the pod runs in a user namespace).
 * procMount_restricted (restricted, v1.35+, replaces procMount): unset or "Default", even with hostUsers=false.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssCheckId, PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { yamlFalse, isSet, goString } from '../../k8s/json.js';

function procMount(id: PssCheckId, v: PodView): PssResult | null {
  let badContainers: string[] | undefined;
  let types: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc === undefined) continue;
    const pm = sc.procMount;
    if (!isSet(pm) || pm === 'Default') continue;
    (badContainers ??= []).push(nameOf(v, i));
    (types ??= []).push(goString(pm));
    (paths ??= []).push(containerPath(v, i, 'securityContext', 'procMount'));
  }
  if (!badContainers) return null;
  return forbidden(
    id,
    'procMount',
    `${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types as string[]))}`,
    paths as PssPath[],
  );
}

/** relaxPolicyForUserNamespacePod: spec.hostUsers is explicitly false. */
export function inUserNamespace(v: PodView): boolean {
  return yamlFalse(v.spec.hostUsers);
}

export const procMountBaseline: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: (v) => procMount('procMount', v) },
    { minVersion: 35, check: (v) => (inUserNamespace(v) ? null : procMount('procMount', v)) },
  ],
};

export const procMountRestricted: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minVersion: 35, check: (v) => procMount('procMount_restricted', v), overrides: ['procMount'] }],
};
