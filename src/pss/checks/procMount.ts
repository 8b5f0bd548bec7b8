/**
 * procMount (baseline, v1.0+): securityContext.procMount must be unset or "Default".
 *   v1.35+: any value is allowed when spec.hostUsers=false (the pod runs in a user namespace).
 * procMount_restricted (restricted, v1.35+, replaces procMount): unset or "Default", even with hostUsers=false.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssCheckId, PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { goString, isSet, yamlFalse, type JsonMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { perContainerList, PSA_ORDER } from '../../k8s/cel.js';
import { containersPhrase, failure, inUserNamespaceCel, joinQuoteCel, namesWhere } from '../cel.js';

function procMount(id: PssCheckId, v: PodView): PssResult | null {
  let badContainers: string[] | undefined;
  let types: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc === undefined) continue;
    const pm = sc.procMount;
    if (allowedProcMount(pm)) continue;
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

/** A procMount the control allows: unset or Default. */
export function allowedProcMount(pm: unknown): boolean {
  return !isSet(pm) || pm === 'Default';
}

/** The policy version from which baseline (procMount) and restricted (runAsUser) relax for pods in a user namespace. */
function procMountCel(p: PodCel): Cel {
  const bad = (c: { v: string }) => `${c.v}.?securityContext.?procMount.orValue('Default') != 'Default'`;
  const names = namesWhere(p, bad);
  const types = perContainerList(p, (c) => `(${bad(c)}) ? [${c.v}.securityContext.procMount] : []`, PSA_ORDER);
  return bind(names, 'n', failure('n.size() > 0', 'procMount', `${containersPhrase('n')} + ' must not set securityContext.procMount to ' + ${joinQuoteCel(`(${types})`)}`));
}

export const USER_NAMESPACE_RELAXATION_MINOR = 35;

/** relaxPolicyForUserNamespacePod: spec.hostUsers is explicitly false. */
export function runsInUserNamespace(podSpec: JsonMap): boolean {
  return yamlFalse(podSpec.hostUsers);
}

export function inUserNamespace(v: PodView): boolean {
  return runsInUserNamespace(v.spec);
}

export const procMountBaseline: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: (v) => procMount('procMount', v), cel: (p) => procMountCel(p) },
    { minVersion: USER_NAMESPACE_RELAXATION_MINOR, check: (v) => (inUserNamespace(v) ? null : procMount('procMount', v)), cel: (p) => `((${inUserNamespaceCel(p)}) ? '' : ${procMountCel(p)})` },
  ],
};

export const procMountRestricted: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minVersion: USER_NAMESPACE_RELAXATION_MINOR, check: (v) => procMount('procMount_restricted', v), overrides: ['procMount'], cel: (p) => procMountCel(p) }],
};
