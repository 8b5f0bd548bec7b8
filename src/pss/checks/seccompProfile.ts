/**
 * seccompProfile_baseline (baseline):
 *   v1.0–v1.18: annotations seccomp.security.alpha.kubernetes.io/pod and
 *   container.seccomp.security.alpha.kubernetes.io/<name> must be runtime/default, docker/default or localhost/*.
 *   v1.19+: seccompProfile.type (pod and containers) must be RuntimeDefault or Localhost when set.
 * seccompProfile_restricted (restricted, v1.19+, replaces seccompProfile_baseline): RuntimeDefault or
 *   Localhost must be set on the pod or on every container. v1.25+: Windows pods are exempt.
 * From v1.19 the annotations are ignored: PSA reads only the fields, and the API server (v1.35)
 * no longer copies seccomp annotations into the fields.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { ANN_SECCOMP, annotationFlags, containerPath, nameOf, type PodView } from '../view.js';
import { goQuote, joinQuote, pluralize, sortedUnique } from '../util.js';
import { asMap, goString } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { lit, perContainer, perContainerList, PSA_ORDER } from '../../k8s/cel.js';
import { containersPhrase, failure, joinQuoteCel, namesWhere, pluralizeCel, unlessWindowsPss } from '../cel.js';

const ALLOWED_CEL = "['RuntimeDefault', 'Localhost']";

function baseline1_0Cel(p: PodCel): Cel {
  const ann = p.annotations;
  const valid = (v: Cel) => `(${v} == 'runtime/default' || ${v} == 'docker/default' || ${v}.startsWith('localhost/'))`;
  const podKey = lit(SECCOMP_POD_ANNOTATION);
  const key = `${lit(SECCOMP_CONTAINER_ANNOTATION_PREFIX)} + c.name`;
  const list = `(${podKey} in ${ann} && !${valid(`${ann}[${podKey}]`)} ? [${podKey} + '="' + ${ann}[${podKey}] + '"'] : []) + ${perContainerList(p, () => `(${key}) in ${ann} && !${valid(`${ann}[${key}]`)} ? [${key} + '="' + ${ann}[${key}] + '"'] : []`, PSA_ORDER)}`;
  return bind(list, 'l', failure('l.size() > 0', 'seccompProfile', `'forbidden ' + ${pluralizeCel('annotation', 'annotations', 'l.size()')} + ' ' + l.join(', ')`));
}

/** The setters and values of explicitly forbidden profiles (explicitResult), as `setters must not set … to "a"`, or ''. */
function explicitCel(p: PodCel): Cel {
  const podProfile = `${p.spec}.?securityContext.?seccompProfile`;
  const own = (c: { v: string }) => `${c.v}.?securityContext.?seccompProfile`;
  // Each explicitly forbidden profile as [setter, type]: the pod first, then containers in PSA order.
  const rows = `(${podProfile}.hasValue() && !(${podProfile}.value().type in ${ALLOWED_CEL}) ? [['pod', string(${podProfile}.value().type)]] : []) + ${perContainer(p, (c) => ({ when: `${own(c)}.hasValue() && !(${own(c)}.value().type in ${ALLOWED_CEL})`, message: `[string(${c.v}.name), string(${own(c)}.value().type)]` }), PSA_ORDER)}`;
  const names = "r.filter(x, x[0] != 'pod').map(x, x[0])";
  const setters = `[r.exists(x, x[0] == 'pod') ? 'pod' : '', ${bind(names, 'n', `n.size() > 0 ? ${containersPhrase('n')} : ''`)}].filter(x, x != '')`;
  return bind(rows, 'r', `r.size() > 0 ? ${setters}.join(' and ') + ' must not set securityContext.seccompProfile.type to ' + ${joinQuoteCel('r.map(x, x[1])')} : ''`);
}

function baseline1_19Cel(p: PodCel): Cel {
  return bind(explicitCel(p), 'e', failure("e != ''", 'seccompProfile', 'e'));
}

function restrictedCel(p: PodCel): Cel {
  const implicit = namesWhere(p, (c) => `!${c.v}.?securityContext.?seccompProfile.hasValue()`);
  const podSet = `${p.spec}.?securityContext.?seccompProfile.hasValue()`;
  return bind(explicitCel(p), 'e', `e != '' ? 'seccompProfile (' + e + ')' : ${bind(implicit, 'i', `(!${podSet} && i.size() > 0) ? 'seccompProfile (pod or ' + ${containersPhrase('i')} + ' must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")' : ''`)}`);
}

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** A seccompProfile.type the control allows: RuntimeDefault or Localhost. */
export function allowedSeccompType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function validAnnotationValue(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function baseline1_0(v: PodView): PssResult | null {
  const ann = v.annotations;
  if (!ann || (annotationFlags(v) & ANN_SECCOMP) === 0) return null;
  let forbiddenValues: Map<string, PssPath> | undefined;
  if (hasOwn(ann, SECCOMP_POD_ANNOTATION)) {
    const val = goString(ann[SECCOMP_POD_ANNOTATION]);
    if (!validAnnotationValue(val)) (forbiddenValues ??= new Map()).set(`${SECCOMP_POD_ANNOTATION}=${goQuote(val)}`, ['metadata', 'annotations', SECCOMP_POD_ANNOTATION]);
  }
  for (let i = 0; i < v.count; i++) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + nameOf(v, i);
    if (!hasOwn(ann, key)) continue;
    const val = goString(ann[key]);
    if (!validAnnotationValue(val)) (forbiddenValues ??= new Map()).set(`${key}=${goQuote(val)}`, ['metadata', 'annotations', key]);
  }
  if (!forbiddenValues) return null;
  const list = sortedUnique(forbiddenValues.keys());
  return forbidden(
    'seccompProfile_baseline',
    'seccompProfile',
    `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
    list.map((k) => (forbiddenValues as Map<string, PssPath>).get(k) as PssPath),
  );
}

const NO_PROFILE = Symbol('no seccomp profile');
type ProfileType = unknown;

function podProfileType(v: PodView): ProfileType {
  const p = v.podSecurityContext ? asMap(v.podSecurityContext.seccompProfile) : undefined;
  return p ? p.type : NO_PROFILE;
}

function podProfilePath(): PssPath {
  return ['spec', 'securityContext', 'seccompProfile', 'type'];
}

function containerProfileType(v: PodView, i: number): ProfileType {
  const sc = v.securityContexts[i];
  const p = sc === undefined ? undefined : asMap(sc.seccompProfile);
  return p ? p.type : NO_PROFILE;
}

function containerProfilePath(v: PodView, i: number): PssPath {
  return containerPath(v, i, 'securityContext', 'seccompProfile', 'type');
}

function anyExplicitBad(v: PodView): boolean {
  const t = podProfileType(v);
  if (t !== NO_PROFILE && !allowedSeccompType(t)) return true;
  for (let i = 0; i < v.count; i++) {
    const ct = containerProfileType(v, i);
    if (ct !== NO_PROFILE && !allowedSeccompType(ct)) return true;
  }
  return false;
}

function explicitResult(id: 'seccompProfile_baseline' | 'seccompProfile_restricted', v: PodView): PssResult {
  const setters: string[] = [];
  const values: string[] = [];
  const paths: PssPath[] = [];
  const t = podProfileType(v);
  if (t !== NO_PROFILE && !allowedSeccompType(t)) {
    setters.push('pod');
    values.push(goString(t));
    paths.push(podProfilePath());
  }
  const bad: string[] = [];
  for (let i = 0; i < v.count; i++) {
    const ct = containerProfileType(v, i);
    if (ct !== NO_PROFILE && !allowedSeccompType(ct)) {
      bad.push(nameOf(v, i));
      values.push(goString(ct));
      paths.push(containerProfilePath(v, i));
    }
  }
  if (bad.length > 0) setters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)}`);
  return forbidden(id, 'seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`, paths);
}

function baseline1_19(v: PodView): PssResult | null {
  return anyExplicitBad(v) ? explicitResult('seccompProfile_baseline', v) : null;
}

function restricted(v: PodView): PssResult | null {
  if (anyExplicitBad(v)) return explicitResult('seccompProfile_restricted', v);
  if (podProfileType(v) !== NO_PROFILE) return null; // a valid pod-level profile covers containers that set none
  let implicit: string[] | undefined;
  for (let i = 0; i < v.count; i++) if (containerProfileType(v, i) === NO_PROFILE) (implicit ??= []).push(nameOf(v, i));
  if (!implicit) return null;
  return forbidden(
    'seccompProfile_restricted',
    'seccompProfile',
    `pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    [['spec', 'securityContext', 'seccompProfile', 'type']],
  );
}

export const seccompProfileBaseline: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: baseline1_0, cel: baseline1_0Cel },
    { minVersion: 19, check: baseline1_19, cel: baseline1_19Cel },
  ],
};

export const seccompProfileRestricted: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, check: restricted, overrides: ['seccompProfile_baseline'], cel: restrictedCel },
    { minVersion: 25, check: (v) => (v.windows ? null : restricted(v)), overrides: ['seccompProfile_baseline'], cel: (p) => unlessWindowsPss(p, restrictedCel(p)) },
  ],
};
