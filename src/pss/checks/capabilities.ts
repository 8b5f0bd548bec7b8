/**
 * capabilities_baseline (baseline, v1.0+): capabilities.add must be a subset of the default set.
 * capabilities_restricted (restricted, v1.22+, replaces capabilities_baseline): capabilities.drop
 * must contain "ALL" (exactly) and capabilities.add may only hold NET_BIND_SERVICE. v1.25+:
 * Windows pods are exempt.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { asList, asMap, goString } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { perContainerList, PSA_ORDER, strList } from '../../k8s/cel.js';
import { containersPhrase, failure, joinQuoteCel, namesWhere, unlessWindowsPss } from '../cel.js';

const addList = (c: { v: string }) => `${c.v}.?securityContext.?capabilities.?add.orValue([])`;

function baselineCel(p: PodCel): Cel {
  const allowed = strList(BASELINE_CAPABILITIES);
  const names = namesWhere(p, (c) => `${addList(c)}.exists(a, !(a in ${allowed}))`);
  const caps = perContainerList(p, (c) => `${addList(c)}.filter(a, !(a in ${allowed}))`, PSA_ORDER);
  return bind(names, 'n', failure('n.size() > 0', 'non-default capabilities', `${containersPhrase('n')} + ' must not include ' + ${joinQuoteCel(`(${caps})`)} + ' in securityContext.capabilities.add'`));
}

function restrictedCel(p: PodCel): Cel {
  const missing = namesWhere(p, (c) => `!(${strList([DROP_ALL])}[0] in ${c.v}.?securityContext.?capabilities.?drop.orValue([]))`);
  const adding = namesWhere(p, (c) => `${addList(c)}.exists(a, !(a in ${strList(RESTRICTED_ADDABLE_CAPABILITIES)}))`);
  const caps = perContainerList(p, (c) => `${addList(c)}.filter(a, !(a in ${strList(RESTRICTED_ADDABLE_CAPABILITIES)}))`, PSA_ORDER);
  const details = bind(missing, 'm', bind(adding, 'd', `[m.size() > 0 ? ${containersPhrase('m')} + ' must set securityContext.capabilities.drop=["ALL"]' : '', d.size() > 0 ? ${containersPhrase('d')} + ' must not include ' + ${joinQuoteCel(`(${caps})`)} + ' in securityContext.capabilities.add' : ''].filter(x, x != '')`));
  return bind(details, 's', failure('s.size() > 0', 'unrestricted capabilities', "s.join('; ')"));
}

export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** What restricted requires in capabilities.drop, spelled exactly. */
export const DROP_ALL = 'ALL';

/** The only capabilities restricted lets a container add. */
export const RESTRICTED_ADDABLE_CAPABILITIES: ReadonlySet<string> = new Set(['NET_BIND_SERVICE']);

function baseline(v: PodView): PssResult | null {
  let badContainers: string[] | undefined;
  let caps: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    if (sc === undefined) continue;
    const capabilities = asMap(sc.capabilities);
    if (!capabilities) continue;
    const add = asList(capabilities.add);
    if (add.length === 0) continue;
    let valid = true;
    for (let j = 0; j < add.length; j++) {
      const cap = goString(add[j]);
      if (BASELINE_CAPABILITIES.has(cap)) continue;
      valid = false;
      (caps ??= []).push(cap);
      (paths ??= []).push(containerPath(v, i, 'securityContext', 'capabilities', 'add', j));
    }
    if (!valid) (badContainers ??= []).push(nameOf(v, i));
  }
  if (!badContainers) return null;
  return forbidden(
    'capabilities_baseline',
    'non-default capabilities',
    `${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)} must not include ${joinQuote(sortedUnique(caps as string[]))} in securityContext.capabilities.add`,
    paths as PssPath[],
  );
}

function restricted(v: PodView): PssResult | null {
  let missingDropAll: string[] | undefined;
  let addingForbidden: string[] | undefined;
  let caps: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    const capabilities = sc === undefined ? undefined : asMap(sc.capabilities);
    if (!capabilities) {
      (missingDropAll ??= []).push(nameOf(v, i));
      (paths ??= []).push(containerPath(v, i, 'securityContext', 'capabilities', 'drop'));
      continue;
    }
    const droppedAll = asList(capabilities.drop).includes(DROP_ALL);
    if (!droppedAll) {
      (missingDropAll ??= []).push(nameOf(v, i));
      (paths ??= []).push(containerPath(v, i, 'securityContext', 'capabilities', 'drop'));
    }
    const add = asList(capabilities.add);
    if (add.length === 0) continue;
    let addedForbidden = false;
    for (let j = 0; j < add.length; j++) {
      const cap = goString(add[j]);
      if (RESTRICTED_ADDABLE_CAPABILITIES.has(cap)) continue;
      addedForbidden = true;
      (caps ??= []).push(cap);
      (paths ??= []).push(containerPath(v, i, 'securityContext', 'capabilities', 'add', j));
    }
    if (addedForbidden) (addingForbidden ??= []).push(nameOf(v, i));
  }
  if (!missingDropAll && !addingForbidden) return null;
  const details: string[] = [];
  if (missingDropAll) {
    details.push(`${pluralize('container', 'containers', missingDropAll.length)} ${joinQuote(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden) {
    details.push(`${pluralize('container', 'containers', addingForbidden.length)} ${joinQuote(addingForbidden)} must not include ${joinQuote(sortedUnique(caps as string[]))} in securityContext.capabilities.add`);
  }
  return forbidden('capabilities_restricted', 'unrestricted capabilities', details.join('; '), paths as PssPath[]);
}

export const capabilitiesBaseline: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minVersion: 0, check: baseline, cel: baselineCel }],
};

export const capabilitiesRestricted: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 22, check: restricted, overrides: ['capabilities_baseline'], cel: restrictedCel },
    { minVersion: 25, check: (v) => (v.windows ? null : restricted(v)), overrides: ['capabilities_baseline'], cel: (p) => unlessWindowsPss(p, restrictedCel(p)) },
  ],
};
