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
    { minVersion: 0, check: baseline1_0 },
    { minVersion: 19, check: baseline1_19 },
  ],
};

export const seccompProfileRestricted: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, check: restricted, overrides: ['seccompProfile_baseline'] },
    { minVersion: 25, check: (v) => (v.windows ? null : restricted(v)), overrides: ['seccompProfile_baseline'] },
  ],
};
