/**
 * appArmorProfile (baseline, v1.0+): the pod and container securityContext.appArmorProfile.type
 * must be RuntimeDefault or Localhost (or unset), and the deprecated annotations
 * `container.apparmor.security.beta.kubernetes.io/*` must be "", runtime/default or localhost/*.
 *
 * Containers are read as the API server stores a new pod (pod strategy applyAppArmorVersionSkew,
 * before admission): a non-Windows container without its own appArmorProfile whose annotation
 * maps to a profile different from the pod's gets that profile as its field. Only
 * `unconfined` → Unconfined matters here, and it makes PSA name the container as well as the
 * annotation.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { ANN_APPARMOR, annotationFlags, containerPath, nameOf, type PodView } from '../view.js';
import { goQuote, joinQuote, pluralize, sortedUnique } from '../util.js';
import { isSet, asMap, goString, type JsonMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { lit, perContainer, PSA_ORDER } from '../../k8s/cel.js';
import { containersPhrase, joinQuoteCel, pluralizeCel } from '../cel.js';

function cel(p: PodCel): Cel {
  const ALLOWED = "['RuntimeDefault', 'Localhost']";
  const ann = p.annotations;
  const prefix = lit(APPARMOR_ANNOTATION_PREFIX);
  const podProfile = `${p.spec}.?securityContext.?appArmorProfile`;
  const podBad = `(${podProfile}.hasValue() && !(${podProfile}.value().type in ${ALLOWED}))`;
  const own = (c: { v: string }) => `${c.v}.?securityContext.?appArmorProfile`;
  const skew = `(!(${p.windows}) && ${ann}.exists(k, k.startsWith(${prefix})))`;
  const key = `${prefix} + c.name`;
  // The API server copies an `unconfined` annotation into a container without its own profile (applyAppArmorVersionSkew).
  const fromAnnotation = (c: { v: string }) => `(!${own(c)}.hasValue() && ${skew} && ${ann}[?(${key})].orValue('') == 'unconfined' && !(${podProfile}.hasValue() && ${podProfile}.value().type == 'Unconfined' && !${podProfile}.value().?localhostProfile.hasValue()))`;
  // Offending containers as [name, value], in PSA order.
  const ownBad = (c: { v: string }) => `(${own(c)}.hasValue() && !(${own(c)}.value().type in ${ALLOWED}))`;
  const rows = perContainer(p, (c) => ({ when: `${ownBad(c)} || ${fromAnnotation(c)}`, message: `[string(${c.v}.name), ${ownBad(c)} ? string(${own(c)}.value().type) : 'Unconfined']` }), PSA_ORDER);
  const forbidden = `${ann}.filter(k, k.startsWith(${prefix}) && !(${ann}[k] == '' || ${ann}[k] == 'runtime/default' || ${ann}[k].startsWith('localhost/'))).map(k, k + '="' + ${ann}[k] + '"')`;
  const values = `(${podBad} ? [string(${podProfile}.value().type)] : []) + r.map(x, x[1]) + f`;
  const setters = `[${podBad} ? 'pod' : '', ${bind('r.map(x, x[0])', 'n', `n.size() > 0 ? ${containersPhrase('n')} : ''`)}, f.size() > 0 ? ${pluralizeCel('annotation', 'annotations', 'f.size()')} : ''].filter(x, x != '')`;
  return bind(rows, 'r', bind(forbidden, 'f', bind(setters, 's', `s.size() > 0 ? ${pluralizeCel('forbidden AppArmor profile', 'forbidden AppArmor profiles', `(${values}).size()`)} + ' (' + s.join(' and ') + ' must not set AppArmor profile type to ' + ${joinQuoteCel(`(${values})`)} + ')' : ''`)));
}


export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** An appArmorProfile.type the control allows (the field's only other value is Unconfined). */
export function allowedAppArmorType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function allowedType(profile: JsonMap): boolean {
  return allowedAppArmorType(profile.type);
}

/** A value of the deprecated annotation the control allows: "", runtime/default or localhost/<profile>. */
export function allowedAppArmorAnnotation(v: string): boolean {
  return v.length === 0 || v === 'runtime/default' || v.startsWith('localhost/');
}

/** The container's annotation is `unconfined` and the pod-level profile is not already Unconfined. */
function unconfinedFromAnnotation(v: PodView, i: number, podProfile: JsonMap | undefined): boolean {
  const ann = v.annotations as JsonMap;
  const key = APPARMOR_ANNOTATION_PREFIX + nameOf(v, i);
  if (!Object.prototype.hasOwnProperty.call(ann, key) || goString(ann[key]) !== 'unconfined') return false;
  return !(podProfile && podProfile.type === 'Unconfined' && !isSet(podProfile.localhostProfile));
}

function check(v: PodView): PssResult | null {
  let badSetters: string[] | undefined;
  let badValues: string[] | undefined;
  let paths: PssPath[] | undefined;

  const podProfile = v.podSecurityContext ? asMap(v.podSecurityContext.appArmorProfile) : undefined;
  if (podProfile && !allowedType(podProfile)) {
    (badSetters ??= []).push('pod');
    (badValues ??= []).push(goString(podProfile.type));
    (paths ??= []).push(['spec', 'securityContext', 'appArmorProfile', 'type']);
  }

  let badContainers: string[] | undefined;
  const skew = !v.windows && (annotationFlags(v) & ANN_APPARMOR) !== 0;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    const profile = sc === undefined ? undefined : asMap(sc.appArmorProfile);
    if (profile) {
      if (!allowedType(profile)) {
        (badContainers ??= []).push(nameOf(v, i));
        (badValues ??= []).push(goString(profile.type));
        (paths ??= []).push(containerPath(v, i, 'securityContext', 'appArmorProfile', 'type'));
      }
    } else if (skew && unconfinedFromAnnotation(v, i, podProfile)) {
      (badContainers ??= []).push(nameOf(v, i));
      (badValues ??= []).push('Unconfined');
      (paths ??= []).push(['metadata', 'annotations', APPARMOR_ANNOTATION_PREFIX + nameOf(v, i)]);
    }
  }
  if (badContainers) (badSetters ??= []).push(`${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)}`);

  let forbiddenAnnotations: string[] | undefined;
  const ann = v.annotations;
  if (ann && (annotationFlags(v) & ANN_APPARMOR) !== 0) {
    for (const k in ann) {
      if (!k.startsWith(APPARMOR_ANNOTATION_PREFIX) || !Object.prototype.hasOwnProperty.call(ann, k)) continue;
      const value = goString(ann[k]);
      if (allowedAppArmorAnnotation(value)) continue;
      (forbiddenAnnotations ??= []).push(`${k}=${goQuote(value)}`);
      if (!paths?.some((p) => p[0] === 'metadata' && p[2] === k)) (paths ??= []).push(['metadata', 'annotations', k]);
    }
  }

  if (!badSetters && !forbiddenAnnotations) return null;
  const badValueList = badValues ? sortedUnique(badValues) : [];
  if (forbiddenAnnotations) {
    badValueList.push(...sortedUnique(forbiddenAnnotations));
    (badSetters ??= []).push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  }
  return forbidden(
    'appArmorProfile',
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    `${(badSetters as string[]).join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    paths as PssPath[],
  );
}

export const appArmorProfile: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
