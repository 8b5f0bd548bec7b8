/**
 * Kubernetes shapes in CEL, for checks that also read as a ValidatingAdmissionPolicy (`kubeharden
 * export vap`): where a pod spec lies in each built-in kind, the three container lists, the
 * container-first-then-pod securityContext inheritance, and string building. This is the CEL twin
 * of pod-spec.ts and security-context.ts: checks write their CEL form with these helpers only, so
 * the shapes and the inheritance are written once here, as they are there.
 *
 * Everything here builds CEL source text. Field access uses optional chaining (`a.?b.orValue(x)`)
 * so an absent field never raises an evaluation error, and only CEL that Kubernetes 1.30 accepts
 * (no format(), sort() or two-variable comprehensions), so exported policies run on every
 * Kubernetes that serves admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy.
 */
import type { Severity } from '../engine/severity.js';
import type { ContainerKind } from './pod-spec.js';

/** A CEL expression, as source text. */
export type Cel = string;

/** A CEL string literal. */
export function lit(s: string): Cel {
  let out = "'";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A CEL list literal of strings. */
export function strList(items: Iterable<string>): Cel {
  return `[${[...items].map(lit).join(', ')}]`;
}

/** A CEL list literal of ints. */
export function intList(items: Iterable<number>): Cel {
  return `[${[...items].map((n) => String(Math.trunc(n))).join(', ')}]`;
}

/**
 * A CEL string built like a template literal: the literal parts become CEL string literals, the
 * interpolated values are CEL expressions of type string (wrap ints with `str()`).
 * `` t`${c.describe} sets privileged=true` `` → `'container "' + c.name + '"' + ' sets privileged=true'`.
 */
export function t(parts: TemplateStringsArray, ...values: Cel[]): Cel {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== '') out.push(lit(parts[i]));
    if (i < values.length) out.push(`(${values[i]})`);
  }
  return out.length === 0 ? "''" : out.join(' + ');
}

/** string(x) for an int expression. */
export function str(e: Cel): Cel {
  return `string(${e})`;
}

/** `'"' + s + '"'`: a string value quoted as the scan's messages quote it. */
export function quoted(e: Cel): Cel {
  return `'"' + ${e} + '"'`;
}

/** A list with one message when `cond` holds, else empty. */
export function when(cond: Cel, message: Cel): Cel {
  return `((${cond}) ? [${message}] : [])`;
}

/** Concatenation of CEL lists of strings (`[]` when there is none). */
export function concat(lists: readonly Cel[]): Cel {
  const xs = lists.filter((l) => l !== '[]');
  if (xs.length === 0) return '[]';
  return xs.length === 1 ? xs[0] : xs.map((x) => `(${x})`).join(' + ');
}

/**
 * `body` with `name` bound to the value of `value`, evaluated once: CEL before Kubernetes 1.31
 * has no cel.bind, so the value is put in a one-element list and mapped.
 */
export function bind(value: Cel, name: string, body: Cel): Cel {
  return `[${value}].map(${name}, ${body})[0]`;
}

/** `a || b || …` (false when empty). */
export function any(conds: readonly Cel[]): Cel {
  return conds.length === 0 ? 'false' : conds.map((c) => `(${c})`).join(' || ');
}

/** `a && b && …` (true when empty). */
export function all(conds: readonly Cel[]): Cel {
  return conds.length === 0 ? 'true' : conds.map((c) => `(${c})`).join(' && ');
}

/** `x in [...]` for a list of string literals. */
export function inList(e: Cel, items: Iterable<string>): Cel {
  return `(${e}) in ${strList(items)}`;
}

// ---- where pod specs lie -------------------------------------------------------------------

/**
 * A built-in kind that carries a pod spec, and where: the policies are made per kind, so every
 * expression is type-checked by the API server against that kind's schema (a field that does
 * not exist is a type-checking warning, not a silent `false`).
 */
export interface PodShape {
  kind: string;
  group: string;
  version: string;
  resource: string;
  /** Extra resources whose requests carry the same object (pods/ephemeralcontainers). */
  subresources?: readonly string[];
  /** CEL of the pod spec and of the pod metadata, relative to `object`. */
  spec: Cel;
  meta: Cel;
  /** The pod spec is optional in the schema (ReplicationController's template): guard on it. */
  specPresent?: Cel;
}

export const POD_SHAPES: readonly PodShape[] = [
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', subresources: ['pods/ephemeralcontainers'], spec: 'object.spec', meta: 'object.metadata' },
  ...(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'] as const).map((kind) => templated(kind, 'apps', 'v1')),
  templated('Job', 'batch', 'v1'),
  {
    kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs',
    spec: 'object.spec.jobTemplate.spec.template.spec', meta: 'object.spec.jobTemplate.spec.template.metadata',
  },
  { ...templated('ReplicationController', '', 'v1'), specPresent: 'has(object.spec.template) && has(object.spec.template.spec)' },
  { kind: 'PodTemplate', group: '', version: 'v1', resource: 'podtemplates', spec: 'object.template.spec', meta: 'object.template.metadata' },
];

function templated(kind: string, group: string, version: string): PodShape {
  return { kind, group, version, resource: `${kind.toLowerCase()}s`, spec: 'object.spec.template.spec', meta: 'object.spec.template.metadata' };
}

/** The pod metadata's map field (labels, annotations) or `{}`. */
export function metaMap(shape: PodShape, field: 'labels' | 'annotations'): Cel {
  // Pod metadata is always there; a template's may be absent.
  return shape.kind === 'Pod' ? `${shape.meta}.?${field}.orValue({})` : `${shape.meta.replace(/\.metadata$/, '')}.?metadata.?${field}.orValue({})`;
}

// ---- containers and inheritance ------------------------------------------------------------

/** How the scan's messages name each container list (describeContainer in checks/_lib/pod.ts). */
export const CONTAINER_LABELS: Readonly<Record<ContainerKind, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** One container list, as the body of a comprehension over it sees it. */
export interface CelContainer {
  kind: ContainerKind;
  /** The comprehension variable: the container. */
  v: Cel;
  /** `container "app"` as a CEL string (describeContainer). */
  describe: Cel;
  /** The container's name. */
  name: Cel;
}

/** A pod spec, as check forms see it. */
export interface PodCel {
  shape: PodShape;
  /** The pod spec. */
  spec: Cel;
  /** The pod's (or template's) annotations and labels, `{}` when absent. */
  annotations: Cel;
  labels: Cel;
  /** spec.os.name is windows. */
  windows: Cel;
}

export function podCel(shape: PodShape): PodCel {
  return {
    shape,
    spec: shape.spec,
    annotations: metaMap(shape, 'annotations'),
    labels: metaMap(shape, 'labels'),
    windows: `${shape.spec}.?os.?name.orValue('') == 'windows'`,
  };
}

/** The comprehension variable for containers (never reused by nested comprehensions). */
const C = 'c';

function container(kind: ContainerKind): CelContainer {
  return { kind, v: C, name: `${C}.name`, describe: `${lit(`${CONTAINER_LABELS[kind]} "`)} + ${C}.name + '"'` };
}

/** A container list of the pod spec, `[]` when absent. */
export function containerList(p: PodCel, kind: ContainerKind): Cel {
  return `${p.spec}.?${kind}.orValue([])`;
}

/** The order the scan visits containers in (pod-spec.ts CONTAINER_KINDS). */
export const SCAN_ORDER: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];
/** The order Pod Security Admission visits them in (its messages list names in this order). */
export const PSA_ORDER: readonly ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

/**
 * Messages for containers: for each container of each list (or of `kinds`), `message` when `when`
 * holds. The body is built once per list, so it may use the list's own label.
 */
export function perContainer(p: PodCel, body: (c: CelContainer) => { when: Cel; message: Cel } | undefined, kinds: readonly ContainerKind[] = SCAN_ORDER): Cel {
  const lists: Cel[] = [];
  for (const kind of kinds) {
    const c = container(kind);
    const b = body(c);
    if (b) lists.push(`${containerList(p, kind)}.map(${C}, ${b.when}, ${b.message})`);
  }
  return concat(lists);
}

/** Messages for containers where each container yields a list of messages (a port, an env var each): the lists are flattened. */
export function perContainerList(p: PodCel, body: (c: CelContainer) => Cel | undefined, kinds: readonly ContainerKind[] = SCAN_ORDER): Cel {
  const lists: Cel[] = [];
  for (const kind of kinds) {
    const c = container(kind);
    const b = body(c);
    if (b) lists.push(flatten(`${containerList(p, kind)}.map(${C}, ${b})`));
  }
  return concat(lists);
}

/**
 * Flattens a list of lists of strings without the lists extension (1.34+): the inner lists are
 * joined with a separator no message contains, then split again. Empty inner lists vanish.
 */
export function flatten(listOfLists: Cel): Cel {
  const sep = '\u001f';
  return `${listOfLists}.filter(l, l.size() > 0).map(l, l.join(${lit(sep)})).join(${lit(sep)}).split(${lit(sep)}).filter(m, m != '')`;
}

/** Fields of SecurityContext that PodSecurityContext also has (security-context.ts InheritedField). */
const INHERITED = new Set(['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'windowsOptions']);

/**
 * The effective value of a securityContext field as a CEL optional: the container's when set,
 * else the pod's (for fields the pod level has) — security-context.ts effective().
 */
export function effective(p: PodCel, c: CelContainer, field: string): Cel {
  const own = `${c.v}.?securityContext.?${field}`;
  return INHERITED.has(field) ? `${own}.or(${p.spec}.?securityContext.?${field})` : own;
}

/** Where the effective value comes from: the container sets it itself. */
export function ownSets(c: CelContainer, field: string): Cel {
  return `${c.v}.?securityContext.?${field}.hasValue()`;
}

/** The pod-level securityContext field, as a CEL optional. */
export function podField(p: PodCel, field: string): Cel {
  return `${p.spec}.?securityContext.?${field}`;
}

// ---- what a check declares -----------------------------------------------------------------

/**
 * Findings as CEL: a list<string> of messages, one per finding the scan would report. A check
 * whose findings differ in severity gives one part per severity, so an export at `--fail-on`
 * leaves out exactly the findings `scan --fail-on` would not fail on.
 */
export interface CelPart {
  /** The findings' severity when it is not the check's own. */
  severity?: Severity;
  messages: Cel;
}

export type CelFindings = Cel | readonly CelPart[];

/**
 * A value a check's CEL uses several times (a table, a parsed namespace label): it becomes a
 * variable of the policy, evaluated once per request, and this returns the reference to it.
 */
export type Constant = (name: string, expression: Cel) => Cel;

/** The context a pod check's CEL form is built in. */
export interface PodCelContext<Settings> {
  pod: PodCel;
  settings: Settings;
  constant: Constant;
  /** CEL of the object's own metadata namespace and name, and its kind. */
  namespace: Cel;
  name: Cel;
}

/** The context an object check's CEL form is built in (one kind at a time). */
export interface ObjectCelContext<Settings> {
  kind: string;
  settings: Settings;
  constant: Constant;
  annotations: Cel;
  labels: Cel;
  name: Cel;
  namespace: Cel;
}

/**
 * How a check reads as CEL, declared with the check (one definition per control):
 * - `pod`: findings per pod spec, for every pod shape (or only `shapes`, with the reason the
 *   others are left out, e.g. a default only the API server applies to Pods);
 * - `object`: findings for objects of the check's kinds;
 * - `unsupported`: why it cannot be written in CEL (reported by `export vap`).
 */
export type CelForm<Settings = unknown> =
  | { form: 'pod'; shapes?: readonly string[]; shapesReason?: string; findings(ctx: PodCelContext<Settings>): CelFindings }
  | { form: 'object'; findings(ctx: ObjectCelContext<Settings>): CelFindings }
  | { form: 'unsupported'; reason: string };

/** The parts of a check's findings. */
export function partsOf(f: CelFindings): readonly CelPart[] {
  return typeof f === 'string' ? [{ messages: f }] : f;
}

/** The descriptions (`container "a"`) of the containers for which `cond` holds, as a CEL list<string>. */
export function describedWhere(p: PodCel, cond: (c: CelContainer) => Cel, kinds: readonly ContainerKind[] = SCAN_ORDER): Cel {
  return perContainer(p, (c) => ({ when: cond(c), message: c.describe }), kinds);
}

/** Whether any container satisfies `cond`. */
export function anyContainer(p: PodCel, cond: (c: CelContainer) => Cel, kinds: readonly ContainerKind[] = SCAN_ORDER): Cel {
  return any(kinds.map((kind) => `${containerList(p, kind)}.exists(${C}, ${cond(container(kind))})`));
}

/** The pod owner's kind (the policy's kind). */
export function ownerKind(p: PodCel): string {
  return p.shape.kind;
}

/** An empty list on Windows pods (controls the Pod Security Standards exempt them from). */
export function unlessWindows(p: PodCel, messages: Cel): Cel {
  return messages === '[]' ? messages : `(${p.windows}) ? [] : (${messages})`;
}

/** The number of containers of all three lists. */
export function containerCount(p: PodCel): Cel {
  return SCAN_ORDER.map((k) => `${containerList(p, k)}.size()`).join(' + ');
}

// ---- image references (image.ts parseImage) -------------------------------------------------

/** The parts of an image reference `[registry[:port]/]path[:tag][@digest]`, as CEL strings ('' when absent). */
export interface CelImage {
  /** The reference, trimmed. */
  ref: Cel;
  digest: Cel;
  /** Without the digest. */
  named: Cel;
  tag: Cel;
  /** Without tag and digest. */
  repo: Cel;
  /** The registry host as written ('' when the first component is not a registry). */
  registry: Cel;
  /** The path after the registry. */
  repository: Cel;
}

export function celImage(image: Cel): CelImage {
  const ref = `${image}.trim()`;
  const named = `(${ref}.indexOf('@') >= 0 ? ${ref}.substring(0, ${ref}.indexOf('@')) : ${ref})`;
  const digest = `(${ref}.indexOf('@') >= 0 ? ${ref}.substring(${ref}.indexOf('@') + 1) : '')`;
  const hasTag = `${named}.lastIndexOf(':') > ${named}.lastIndexOf('/')`;
  const tag = `(${hasTag} ? ${named}.substring(${named}.lastIndexOf(':') + 1) : '')`;
  const repo = `(${hasTag} ? ${named}.substring(0, ${named}.lastIndexOf(':')) : ${named})`;
  const head = `${repo}.substring(0, ${repo}.indexOf('/'))`;
  const isRegistry = `(${repo}.indexOf('/') > 0 && (${head}.contains('.') || ${head}.contains(':') || ${head} == 'localhost'))`;
  return {
    ref,
    digest,
    named,
    tag,
    repo,
    registry: `(${isRegistry} ? ${head} : '')`,
    repository: `(${isRegistry} ? ${repo}.substring(${repo}.indexOf('/') + 1) : ${repo})`,
  };
}

/** A container's capabilities.add / drop list, `[]` when absent. */
export function capList(c: CelContainer, which: 'add' | 'drop'): Cel {
  return `${c.v}.?securityContext.?capabilities.?${which}.orValue([])`;
}

/** The capability an add entry may grant (capabilities.ts grantedCap): upper case, without CAP_. */
export function grantedCapCel(name: Cel): Cel {
  return `(${name}.upperAscii().startsWith('CAP_') ? ${name}.upperAscii().substring(4) : ${name}.upperAscii())`;
}

// ---- hostPath volumes (checks/_lib/host-path.ts) ---------------------------------------------

/** The comprehension variable for volumes. */
export const VOL = 'v';

/** The pod's hostPath volumes, mapped with `body` (a CEL expression over `v`), as a list. */
export function perHostPathVolume(p: PodCel, body: Cel, filter = 'true'): Cel {
  return `${p.spec}.?volumes.orValue([]).map(${VOL}, ${VOL}.?hostPath.hasValue() && (${filter}), ${body})`;
}

/**
 * The normalised host path of `v` (host-path.ts normalizeHostPath): no empty or "." segments.
 * ".." needs no handling: the API server rejects a hostPath with "..".
 */
export const HOST_PATH = `('/' + ${VOL}.hostPath.path.split('/').filter(s, s != '' && s != '.').join('/'))`;

/** `p` is `base` or below it. */
export function atOrUnder(p: Cel, base: Cel): Cel {
  return `(${base} == '/' || ${p} == ${base} || ${p}.startsWith(${base} + '/'))`;
}

/** Containers mounting `v` writable / read-only (described), host-path.ts mountSummary. */
export function mountSummary(p: PodCel): Cel {
  const rw = perContainer(p, (c) => ({ when: `${c.v}.?volumeMounts.orValue([]).exists(m, m.name == ${VOL}.name && !m.?readOnly.orValue(false))`, message: c.describe }));
  const ro = perContainer(p, (c) => ({ when: `${c.v}.?volumeMounts.orValue([]).exists(m, m.name == ${VOL}.name && m.?readOnly.orValue(false))`, message: c.describe }));
  return `((${rw}).size() == 0 && (${ro}).size() == 0 ? 'not mounted by any container (an ephemeral debug container can still mount it)' : 'mounted ' + [(${rw}).size() > 0 ? 'writable by ' + (${rw}).join(', ') : '', (${ro}).size() > 0 ? 'read-only by ' + (${ro}).join(', ') : ''].filter(x, x != '').join(' and '))`;
}

/** Some container mounts `v` writable. */
export function mountedWritable(p: PodCel): Cel {
  return anyContainer(p, (c) => `${c.v}.?volumeMounts.orValue([]).exists(m, m.name == ${VOL}.name && !m.?readOnly.orValue(false))`);
}

/**
 * The pod's hostPath volumes as records (map<string, string>, '' for false), for checks that read
 * each several times: name, raw (hostPath.path as written), path (normalised), type, rw ('y' when
 * a container mounts it writable), privileged ('y' when a privileged container mounts it), and
 * summary (mountSummary). Use it through a Constant, so it is computed once per request. Every
 * value is wrapped in string(): the API server also compiles the expression with `object` untyped,
 * and a map literal's values must then still have one type.
 */
export function hostPathRecords(p: PodCel): Cel {
  const priv = anyContainer(p, (c) => `${effective(p, c, 'privileged')}.orValue(false) && ${c.v}.?volumeMounts.orValue([]).exists(m, m.name == ${VOL}.name)`);
  return perHostPathVolume(p, `{'name': string(${VOL}.name), 'raw': string(${VOL}.hostPath.path), 'path': string(${HOST_PATH}), 'type': string(${VOL}.hostPath.?type.orValue('')), 'rw': string((${mountedWritable(p)}) ? 'y' : ''), 'privileged': string((${priv}) ? 'y' : ''), 'summary': string(${mountSummary(p)})}`);
}

/**
 * Every container's image, parsed (celImage), as records (map<string, string>) in the scan's order:
 * describe, image (as written), ref (trimmed), pull (imagePullPolicy, '' when unset), digest, tag,
 * registry, repository. Use it through
 * a Constant: the parse is long, and image checks read each part several times.
 */
export function imageRecords(p: PodCel): Cel {
  // In stages, each reading the previous one's fields, so no part of the parse is written twice.
  const refs = concat(SCAN_ORDER.map((kind) => `${containerList(p, kind)}.map(${C}, ${C}.?image.hasValue(), {'describe': string(${container(kind).describe}), 'image': string(${C}.image), 'ref': string(${C}.image.trim()), 'pull': string(${C}.?imagePullPolicy.orValue(''))})`));
  const named = `(${refs}).map(r, {'describe': r.describe, 'image': r.image, 'ref': r.ref, 'pull': r.pull, 'named': r.ref.indexOf('@') >= 0 ? r.ref.substring(0, r.ref.indexOf('@')) : r.ref, 'digest': r.ref.indexOf('@') >= 0 ? r.ref.substring(r.ref.indexOf('@') + 1) : ''})`;
  const tagged = `${named}.map(r, {'describe': r.describe, 'image': r.image, 'ref': r.ref, 'pull': r.pull, 'digest': r.digest, 'tag': r.named.lastIndexOf(':') > r.named.lastIndexOf('/') ? r.named.substring(r.named.lastIndexOf(':') + 1) : '', 'repo': r.named.lastIndexOf(':') > r.named.lastIndexOf('/') ? r.named.substring(0, r.named.lastIndexOf(':')) : r.named})`;
  const head = "r.repo.substring(0, r.repo.indexOf('/'))";
  const isRegistry = `(r.repo.indexOf('/') > 0 && (${head}.contains('.') || ${head}.contains(':') || ${head} == 'localhost'))`;
  return `${tagged}.map(r, {'describe': r.describe, 'image': r.image, 'ref': r.ref, 'pull': r.pull, 'digest': r.digest, 'tag': r.tag, 'registry': ${isRegistry} ? ${head} : '', 'repository': ${isRegistry} ? r.repo.substring(r.repo.indexOf('/') + 1) : r.repo})`;
}
