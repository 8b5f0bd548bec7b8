/**
 * seLinuxOptions (baseline, v1.0+): seLinuxOptions.type must be "", container_t, container_init_t or
 * container_kvm_t (v1.31+ also container_engine_t); user and role must not be set. Pod and containers.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { asMap, goString, type JsonMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { perContainer, PSA_ORDER, strList } from '../../k8s/cel.js';
import { containersPhrase, failure, joinQuoteCel, pluralizeCel } from '../cel.js';

const TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<string> = new Set([...TYPES_1_0, 'container_engine_t']);

/** The first policy version that allows container_engine_t. */
function celFor(types: ReadonlySet<string>) {
  return (p: PodCel): Cel => {
    const allowed = strList(types);
    // Each offending options block as [setter, type or '', user, role], pod first, then containers in PSA order.
    const row = (setter: Cel, o: Cel) => `[${setter}, ${o}.?type.orValue('') in ${allowed} ? '' : string(${o}.?type.orValue('')), string(${o}.?user.orValue('')), string(${o}.?role.orValue(''))]`;
    const breaks = (o: Cel) => `(!(${o}.?type.orValue('') in ${allowed}) || ${o}.?user.orValue('') != '' || ${o}.?role.orValue('') != '')`;
    const podOpts = `${p.spec}.?securityContext.?seLinuxOptions`;
    const own = (c: { v: string }) => `${c.v}.?securityContext.?seLinuxOptions`;
    const rows = `(${podOpts}.hasValue() && ${breaks(`${podOpts}.value()`)} ? [${row("'pod'", `${podOpts}.value()`)}] : []) + ${perContainer(p, (c) => ({ when: `${own(c)}.hasValue() && ${breaks(`${own(c)}.value()`)}`, message: row(`string(${c.v}.name)`, `${own(c)}.value()`) }), PSA_ORDER)}`;
    const names = "r.filter(x, x[0] != 'pod').map(x, x[0])";
    const setters = `[r.exists(x, x[0] == 'pod') ? 'pod' : '', ${bind(names, 'n', `n.size() > 0 ? ${containersPhrase('n')} : ''`)}].filter(x, x != '')`;
    const typesList = "r.map(x, x[1]).filter(x, x != '')";
    const data = `[${bind(typesList, 't', `t.size() > 0 ? ${pluralizeCel('type', 'types', 't.size()')} + ' ' + ${joinQuoteCel('t')} : ''`)}, r.exists(x, x[2] != '') ? 'user may not be set' : '', r.exists(x, x[3] != '') ? 'role may not be set' : ''].filter(x, x != '')`;
    return bind(rows, 'r', failure('r.size() > 0', 'seLinuxOptions', `${setters}.join(' and ') + ' set forbidden securityContext.seLinuxOptions: ' + ${data}.join('; ')`));
  };
}

export const SELINUX_ENGINE_TYPE_MINOR = 31;

/** The SELinux types a pod or container may use at policy v1.<minor> ("" is no type). */
export function allowedSELinuxTypes(minor: number): ReadonlySet<string> {
  return minor >= SELINUX_ENGINE_TYPE_MINOR ? TYPES_1_31 : TYPES_1_0;
}

export type SELinuxField = 'type' | 'user' | 'role';

/** The fields of one seLinuxOptions the control forbids: a type outside `types`, any user, any role. */
export function seLinuxViolations(opts: JsonMap, types: ReadonlySet<string>): SELinuxField[] {
  const out: SELinuxField[] = [];
  if (!types.has(goString(opts.type))) out.push('type');
  if (goString(opts.user).length > 0) out.push('user');
  if (goString(opts.role).length > 0) out.push('role');
  return out;
}

/** seLinuxViolations(...) is empty, without allocating (most pods that set seLinuxOptions pass). */
export function seLinuxAllowed(opts: JsonMap, types: ReadonlySet<string>): boolean {
  return types.has(goString(opts.type)) && goString(opts.user).length === 0 && goString(opts.role).length === 0;
}

interface State {
  badTypes: string[] | undefined;
  setUser: boolean;
  setRole: boolean;
  paths: PssPath[] | undefined;
}

function valid(opts: JsonMap, types: ReadonlySet<string>, st: State, base: () => Array<string | number>): boolean {
  const bad = seLinuxViolations(opts, types);
  for (const field of bad) {
    if (field === 'type') (st.badTypes ??= []).push(goString(opts.type));
    else if (field === 'user') st.setUser = true;
    else st.setRole = true;
    (st.paths ??= []).push([...base(), field]);
  }
  return bad.length === 0;
}

function check(v: PodView, types: ReadonlySet<string>): PssResult | null {
  const podOpts = v.podSecurityContext ? asMap(v.podSecurityContext.seLinuxOptions) : undefined;
  let anyBad = podOpts !== undefined && !seLinuxAllowed(podOpts, types);
  for (let i = 0; i < v.count && !anyBad; i++) {
    const sc = v.securityContexts[i];
    const o = sc === undefined ? undefined : asMap(sc.seLinuxOptions);
    if (o && !seLinuxAllowed(o, types)) anyBad = true;
  }
  if (!anyBad) return null;

  const st: State = { badTypes: undefined, setUser: false, setRole: false, paths: undefined };
  const setters: string[] = [];
  if (podOpts && !valid(podOpts, types, st, () => ['spec', 'securityContext', 'seLinuxOptions'])) setters.push('pod');
  const badContainers: string[] = [];
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    const o = sc === undefined ? undefined : asMap(sc.seLinuxOptions);
    if (o && !valid(o, types, st, () => containerPath(v, i, 'securityContext', 'seLinuxOptions'))) badContainers.push(nameOf(v, i));
  }
  if (badContainers.length > 0) setters.push(`${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)}`);
  const badData: string[] = [];
  if (st.badTypes) {
    const t = sortedUnique(st.badTypes);
    badData.push(`${pluralize('type', 'types', t.length)} ${joinQuote(t)}`);
  }
  if (st.setUser) badData.push('user may not be set');
  if (st.setRole) badData.push('role may not be set');
  return forbidden('seLinuxOptions', 'seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${badData.join('; ')}`, st.paths as PssPath[]);
}

export const seLinuxOptions: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: (v) => check(v, TYPES_1_0), cel: celFor(TYPES_1_0) },
    { minVersion: SELINUX_ENGINE_TYPE_MINOR, check: (v) => check(v, TYPES_1_31), cel: celFor(TYPES_1_31) },
  ],
};
