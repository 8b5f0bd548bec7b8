/**
 * Wrongly typed fields, as the API server sees them. `privileged: "true"`, `runAsUser: "0"`,
 * `containers: "x"`, `securityContext: []`: the API server refuses such an object when it decodes
 * it, but a check reading the field defensively sees "absent", so a failing check would pass.
 * Each one is reported as an input error at the field (the run then exits 2), for the fields of
 * object metadata and of pod specs found by shape (which checks read). Types follow the Kubernetes
 * API (core/v1 PodSpec, Container, SecurityContext, …); null is "unset" there, so it is accepted.
 *
 * A pod template with no containers is not evaluated by any pod check: that is said as a warning.
 */
import type { InputError, LoadedObject, Path } from '../load/types.js';
import { append } from '../load/append.js';
import { formatPath, isMap } from './json.js';

type FieldType =
  | 'boolean'
  | 'integer'
  | 'string'
  /** IntOrString (probe ports) */
  | 'int-or-string'
  /** resource.Quantity: "500m", 2, 1.5 */
  | 'quantity'
  /** any mapping (its fields are not checked) */
  | 'map'
  | { fields: Fields }
  | { list: FieldType }
  | { mapOf: FieldType };

interface Fields {
  readonly [name: string]: FieldType;
}

const strings = (...names: string[]): Fields => Object.fromEntries(names.map((n) => [n, 'string' as const]));
const booleans = (...names: string[]): Fields => Object.fromEntries(names.map((n) => [n, 'boolean' as const]));
const integers = (...names: string[]): Fields => Object.fromEntries(names.map((n) => [n, 'integer' as const]));

const STRING_MAP: FieldType = { mapOf: 'string' };
const STRING_LIST: FieldType = { list: 'string' };

const OBJECT_META: Fields = { ...strings('name', 'generateName', 'namespace'), labels: STRING_MAP, annotations: STRING_MAP };

const PROFILE: FieldType = { fields: strings('type', 'localhostProfile') };
const SE_LINUX: FieldType = { fields: strings('user', 'role', 'type', 'level') };
const WINDOWS: FieldType = { fields: { ...strings('gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName'), hostProcess: 'boolean' } };

const SECURITY_CONTEXT: FieldType = {
  fields: {
    ...booleans('privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'runAsNonRoot'),
    ...integers('runAsUser', 'runAsGroup'),
    procMount: 'string',
    capabilities: { fields: { add: STRING_LIST, drop: STRING_LIST } },
    seccompProfile: PROFILE,
    appArmorProfile: PROFILE,
    seLinuxOptions: SE_LINUX,
    windowsOptions: WINDOWS,
  },
};

const POD_SECURITY_CONTEXT: FieldType = {
  fields: {
    ...integers('runAsUser', 'runAsGroup', 'fsGroup'),
    runAsNonRoot: 'boolean',
    supplementalGroups: { list: 'integer' },
    ...strings('fsGroupChangePolicy', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'),
    sysctls: { list: { fields: strings('name', 'value') } },
    seccompProfile: PROFILE,
    appArmorProfile: PROFILE,
    seLinuxOptions: SE_LINUX,
    windowsOptions: WINDOWS,
  },
};

const PORT_REF: Fields = { port: 'int-or-string', host: 'string' };
const PROBE: FieldType = {
  fields: {
    httpGet: { fields: { ...PORT_REF, ...strings('path', 'scheme') } },
    tcpSocket: { fields: PORT_REF },
    grpc: { fields: { port: 'integer', service: 'string' } },
    exec: { fields: { command: STRING_LIST } },
    ...integers('initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'),
  },
};

const CONTAINER: FieldType = {
  fields: {
    ...strings('name', 'image', 'imagePullPolicy', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'restartPolicy'),
    command: STRING_LIST,
    args: STRING_LIST,
    ports: { list: { fields: { ...strings('name', 'protocol', 'hostIP'), ...integers('containerPort', 'hostPort') } } },
    env: { list: { fields: { ...strings('name', 'value'), valueFrom: 'map' } } },
    envFrom: { list: 'map' },
    resources: { fields: { limits: { mapOf: 'quantity' }, requests: { mapOf: 'quantity' } } },
    volumeMounts: { list: { fields: { ...strings('name', 'mountPath', 'subPath', 'subPathExpr', 'mountPropagation', 'recursiveReadOnly'), readOnly: 'boolean' } } },
    securityContext: SECURITY_CONTEXT,
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    lifecycle: 'map',
    ...booleans('stdin', 'stdinOnce', 'tty'),
  },
};

const KEY_TO_PATH: FieldType = { list: { fields: { ...strings('key', 'path'), mode: 'integer' } } };
const VOLUME: FieldType = {
  fields: {
    name: 'string',
    hostPath: { fields: strings('path', 'type') },
    emptyDir: 'map',
    secret: { fields: { secretName: 'string', defaultMode: 'integer', optional: 'boolean', items: KEY_TO_PATH } },
    configMap: { fields: { name: 'string', defaultMode: 'integer', optional: 'boolean', items: KEY_TO_PATH } },
    persistentVolumeClaim: { fields: { claimName: 'string', readOnly: 'boolean' } },
    projected: 'map',
    csi: 'map',
  },
};

const POD_SPEC: Fields = {
  containers: { list: CONTAINER },
  initContainers: { list: CONTAINER },
  ephemeralContainers: { list: CONTAINER },
  volumes: { list: VOLUME },
  ...booleans('hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'automountServiceAccountToken', 'hostUsers', 'enableServiceLinks', 'setHostnameAsFQDN'),
  ...strings('serviceAccountName', 'serviceAccount', 'nodeName', 'hostname', 'subdomain', 'schedulerName', 'priorityClassName', 'runtimeClassName', 'restartPolicy', 'dnsPolicy', 'preemptionPolicy'),
  ...integers('terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'priority'),
  nodeSelector: STRING_MAP,
  securityContext: POD_SECURITY_CONTEXT,
  hostAliases: { list: { fields: { ip: 'string', hostnames: STRING_LIST } } },
  imagePullSecrets: { list: { fields: { name: 'string' } } },
  tolerations: { list: { fields: { ...strings('key', 'operator', 'value', 'effect'), tolerationSeconds: 'integer' } } },
  os: { fields: { name: 'string' } },
  affinity: 'map',
};

/** Where pod specs live, by shape (as src/k8s/pod-spec.ts finds them), with their metadata. */
const POD_SHAPES: ReadonlyArray<{ spec: Path; meta: Path }> = [
  { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
  { spec: ['template', 'spec'], meta: ['template', 'metadata'] },
];

export interface FieldProblem {
  /** Path of the offending field in the object. */
  path: Path;
  message: string;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

function expected(t: FieldType): string {
  if (typeof t === 'string') {
    return { boolean: 'a boolean (true or false)', integer: 'an integer', string: 'a string', 'int-or-string': 'an integer or a string', quantity: 'a quantity (e.g. 500m, 1Gi, 2)', map: 'a mapping' }[t];
  }
  if ('list' in t) return 'a list';
  return 'a mapping';
}

/** YAML 1.1 booleans, which kubectl's YAML decoder reads as true/false when unquoted. */
const YAML11_BOOL = /^(?:y|yes|on|n|no|off)$/i;

/**
 * The value, when showing it cannot leak a secret: only short, plain strings standing where a
 * boolean or integer belongs ("true", "0", "yes"). String fields (env values) are never shown.
 */
function shown(v: unknown, t: FieldType): string {
  if ((t === 'boolean' || t === 'integer') && typeof v === 'string' && v.length <= 20 && /^[\w.+-]*$/.test(v)) return ` ${JSON.stringify(v)}`;
  return '';
}

function matches(v: unknown, t: FieldType): boolean {
  if (v === null || v === undefined) return true;
  switch (t) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'string':
      return typeof v === 'string';
    case 'int-or-string':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
    case 'quantity':
      return typeof v === 'string' || typeof v === 'number';
    case 'map':
      return isMap(v);
    default:
      return 'list' in t ? Array.isArray(v) : isMap(v);
  }
}

function problem(path: Path, v: unknown, t: FieldType): FieldProblem {
  let hint = '';
  if (t === 'boolean' && typeof v === 'string' && YAML11_BOOL.test(v)) hint = ` (kubectl reads an unquoted ${v} as a boolean: write true or false)`;
  else if ((t === 'boolean' || t === 'integer') && typeof v === 'string') hint = ' (remove the quotes)';
  return { path, message: `${formatPath(path)} is ${describe(v)}${shown(v, t)}, but the API server expects ${expected(t)} and refuses the object${hint}` };
}

/** A step of the walk: the path is built only for a problem (most fields are fine). */
interface Step {
  value: unknown;
  type: FieldType;
  parent: Step | undefined;
  key: string | number;
}

function pathOf(step: Step, base: Path): Path {
  const keys: Array<string | number> = [];
  for (let s: Step | undefined = step; s && s.parent; s = s.parent) keys.push(s.key);
  return [...base, ...keys.reverse()];
}

/** Checks `value` against `t`, appending problems; walks with an explicit stack (no recursion). */
function check(value: unknown, t: FieldType, path: Path, out: FieldProblem[]): void {
  const stack: Step[] = [{ value, type: t, parent: undefined, key: '' }];
  while (stack.length) {
    const step = stack.pop() as Step;
    const { value: v, type } = step;
    if (v === null || v === undefined) continue;
    if (!matches(v, type)) {
      out.push(problem(pathOf(step, path), v, type));
      continue;
    }
    if (typeof type === 'string') continue;
    if ('fields' in type) {
      const m = v as Record<string, unknown>;
      for (const name in type.fields) if (m[name] !== undefined && m[name] !== null) stack.push({ value: m[name], type: type.fields[name], parent: step, key: name });
    } else if ('list' in type) {
      const list = v as unknown[];
      for (let i = 0; i < list.length; i++) stack.push({ value: list[i], type: type.list, parent: step, key: i });
    } else {
      const m = v as Record<string, unknown>;
      for (const k in m) stack.push({ value: m[k], type: type.mapOf, parent: step, key: k });
    }
  }
}

export interface FieldTypeReport {
  problems: FieldProblem[];
  /** Path of a pod spec whose containers are missing or empty (nothing for pod checks to evaluate). */
  noContainers?: Path;
}

/** Wrongly typed fields of one object (metadata, and the pod spec if it has one). */
export function fieldTypeProblems(o: LoadedObject): FieldTypeReport {
  const obj = o.object;
  const problems: FieldProblem[] = [];
  check(obj.metadata, { fields: OBJECT_META }, ['metadata'], problems);
  const shapes = o.kind === 'Pod' ? [{ spec: ['spec'], meta: [] as Path }] : POD_SHAPES;
  let noContainers: Path | undefined;
  for (const shape of shapes) {
    const spec = getPath(obj, shape.spec);
    if (!isMap(spec)) continue;
    // A template without `spec.containers` is some other kind's `template` unless it is a pod's.
    if (o.kind !== 'Pod' && !('containers' in spec) && !isPodTemplateKind(o.kind)) continue;
    if (shape.meta.length) check(getPath(obj, shape.meta), { fields: OBJECT_META }, shape.meta, problems);
    check(spec, { fields: POD_SPEC }, shape.spec, problems);
    const containers = spec.containers;
    if (containers === undefined || containers === null || (Array.isArray(containers) && containers.length === 0)) noContainers = shape.spec;
    break;
  }
  return { problems, ...(noContainers ? { noContainers } : {}) };
}

/** Built-in kinds that always carry a pod template (so a template without containers is a mistake). */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);

function isPodTemplateKind(kind: string): boolean {
  return POD_TEMPLATE_KINDS.has(kind);
}

function getPath(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[String(seg)];
  }
  return cur;
}

export interface FieldTypeFindings {
  errors: InputError[];
  warnings: string[];
}

function objectLabel(o: LoadedObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * Input errors for wrongly typed fields (located at the field) and warnings for pod templates
 * without containers. CustomResourceDefinitions are skipped: their body is a schema no check
 * reads, and building it would cost most of a large scan (see src/load/crd-header.ts).
 */
export function fieldTypeFindings(objects: readonly LoadedObject[]): FieldTypeFindings {
  const errors: InputError[] = [];
  const warnings: string[] = [];
  for (const o of objects) {
    if (o.kind === 'CustomResourceDefinition') continue;
    const r = fieldTypeProblems(o);
    const located = r.problems.map((p) => {
      const at = o.source.locate(p.path);
      return { file: o.source.file, line: at.line, column: at.column, message: `${objectLabel(o)}: ${p.message}` };
    });
    append(errors, located.sort((a, b) => a.line - b.line || a.column - b.column));
    if (r.noContainers) {
      const at = o.source.locate(r.noContainers);
      warnings.push(`${o.source.file}:${at.line}: ${objectLabel(o)}: the pod ${o.kind === 'Pod' ? 'spec' : 'template'} has no containers: not evaluated by any pod check (the API server requires at least one container)`);
    }
  }
  return { errors, warnings };
}
