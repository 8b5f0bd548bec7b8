/**
 * runAsNonRoot (restricted, v1.0+): the pod must set securityContext.runAsNonRoot=true, or every
 * container must; nothing may set it to false. v1.35+: allowed when spec.hostUsers=false.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { inUserNamespace } from './procMount.js';
import { joinQuote, pluralize } from '../util.js';
import { isSet, yamlTrue } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { containersPhrase, inUserNamespaceCel, namesWhere } from '../cel.js';

function check(v: PodView): PssResult | null {
  let podRunAsNonRoot = false;
  let podBad = false;
  const podValue = v.podSecurityContext?.runAsNonRoot;
  if (isSet(podValue)) {
    if (yamlTrue(podValue)) podRunAsNonRoot = true;
    else podBad = true;
  }
  let explicitlyBad: number[] | undefined;
  let implicitlyBad: number[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    const value = sc === undefined ? undefined : sc.runAsNonRoot;
    if (isSet(value)) {
      if (!yamlTrue(value)) (explicitlyBad ??= []).push(i);
    } else if (!podRunAsNonRoot) {
      (implicitlyBad ??= []).push(i);
    }
  }
  if (podBad || explicitlyBad) {
    const setters: string[] = [];
    const paths: PssPath[] = [];
    if (podBad) {
      setters.push('pod');
      paths.push(['spec', 'securityContext', 'runAsNonRoot']);
    }
    if (explicitlyBad) {
      const names = explicitlyBad.map((i) => nameOf(v, i));
      setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
      for (const i of explicitlyBad) paths.push(containerPath(v, i, 'securityContext', 'runAsNonRoot'));
    }
    return forbidden('runAsNonRoot', 'runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, paths);
  }
  if (implicitlyBad) {
    const names = implicitlyBad.map((i) => nameOf(v, i));
    return forbidden(
      'runAsNonRoot',
      'runAsNonRoot != true',
      `pod or ${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must set securityContext.runAsNonRoot=true`,
      [['spec', 'securityContext', 'runAsNonRoot']],
    );
  }
  return null;
}

function cel(p: PodCel): Cel {
  const podValue = `${p.spec}.?securityContext.?runAsNonRoot`;
  const podBad = `(${podValue}.hasValue() && !${podValue}.value())`;
  const explicit = namesWhere(p, (c) => `${c.v}.?securityContext.?runAsNonRoot.hasValue() && !${c.v}.securityContext.runAsNonRoot`);
  const implicit = namesWhere(p, (c) => `!${c.v}.?securityContext.?runAsNonRoot.hasValue() && !${podValue}.orValue(false)`);
  const setters = bind(explicit, 'e', `[${podBad} ? 'pod' : '', e.size() > 0 ? ${containersPhrase('e')} : ''].filter(x, x != '')`);
  return bind(setters, 's', `(s.size() > 0 ? 'runAsNonRoot != true (' + s.join(' and ') + ' must not set securityContext.runAsNonRoot=false)' : ${bind(implicit, 'i', `i.size() > 0 ? 'runAsNonRoot != true (pod or ' + ${containersPhrase('i')} + ' must set securityContext.runAsNonRoot=true)' : ''`)})`);
}

export const runAsNonRoot: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minVersion: 0, check, cel },
    { minVersion: 35, check: (v) => (inUserNamespace(v) ? null : check(v)), cel: (p) => `((${inUserNamespaceCel(p)}) ? '' : ${cel(p)})` },
  ],
};
