/**
 * The kubelet's effective configuration, field by field, with where each value comes from. The
 * kubelet's own order (cmd/kubelet/app/server.go): the --config file, loaded with the
 * KubeletConfiguration v1beta1 defaults; then the --config-dir drop-ins as JSON merge patches in
 * lexical order (null deletes a field, which then takes its default again); then every flag given
 * on the command line. Without --config, four fields keep the command line's legacy defaults, the
 * insecure ones (anonymous auth on, no webhook authentication, AlwaysAllow, read-only port 10255).
 * A live /configz answer is the result of all that, with defaults applied: a field it leaves out
 * is at its Go zero value.
 *
 * When a source that would take precedence is not in the scan (a --config file or --config-dir
 * named on the command line but not found), the value is unknown: never guessed from the rest.
 */
import { posix } from 'node:path';
import type { LoadedObject, Path } from '../load/types.js';
import { getIn, isMap } from '../k8s/json.js';
import { describeFile } from './config-kinds.js';
import { parseGoBool } from './flags/parse.js';
import type { ConfigReference, KubeletInstance } from './model.js';

export type KubeletFieldType = 'bool' | 'string' | 'int' | 'duration' | 'list';

export interface KubeletField {
  /** Path in KubeletConfiguration (v1beta1 JSON names). */
  path: readonly string[];
  /** The command-line flag that sets it. */
  flag?: string;
  type: KubeletFieldType;
  /** After SetDefaults_KubeletConfiguration (v1beta1 defaults.go); `undefined`: empty. */
  defaultValue: unknown;
  /** applyLegacyDefaults (cmd/kubelet/app/options/options.go): when the kubelet has no --config. */
  legacyDefault?: unknown;
}

export const KUBELET_FIELDS = {
  anonymous: { path: ['authentication', 'anonymous', 'enabled'], flag: 'anonymous-auth', type: 'bool', defaultValue: false, legacyDefault: true },
  webhookAuthn: { path: ['authentication', 'webhook', 'enabled'], flag: 'authentication-token-webhook', type: 'bool', defaultValue: true, legacyDefault: false },
  clientCAFile: { path: ['authentication', 'x509', 'clientCAFile'], flag: 'client-ca-file', type: 'string', defaultValue: '' },
  authorizationMode: { path: ['authorization', 'mode'], flag: 'authorization-mode', type: 'string', defaultValue: 'Webhook', legacyDefault: 'AlwaysAllow' },
  readOnlyPort: { path: ['readOnlyPort'], flag: 'read-only-port', type: 'int', defaultValue: 0, legacyDefault: 10255 },
  protectKernelDefaults: { path: ['protectKernelDefaults'], flag: 'protect-kernel-defaults', type: 'bool', defaultValue: false },
  makeIPTablesUtilChains: { path: ['makeIPTablesUtilChains'], flag: 'make-iptables-util-chains', type: 'bool', defaultValue: true },
  streamingConnectionIdleTimeout: { path: ['streamingConnectionIdleTimeout'], flag: 'streaming-connection-idle-timeout', type: 'duration', defaultValue: '4h0m0s' },
  rotateCertificates: { path: ['rotateCertificates'], flag: 'rotate-certificates', type: 'bool', defaultValue: false },
  serverTLSBootstrap: { path: ['serverTLSBootstrap'], flag: 'rotate-server-certificates', type: 'bool', defaultValue: false },
  tlsCertFile: { path: ['tlsCertFile'], flag: 'tls-cert-file', type: 'string', defaultValue: '' },
  tlsPrivateKeyFile: { path: ['tlsPrivateKeyFile'], flag: 'tls-private-key-file', type: 'string', defaultValue: '' },
  tlsCipherSuites: { path: ['tlsCipherSuites'], flag: 'tls-cipher-suites', type: 'list', defaultValue: [] },
  tlsMinVersion: { path: ['tlsMinVersion'], flag: 'tls-min-version', type: 'string', defaultValue: '' },
  eventRecordQPS: { path: ['eventRecordQPS'], flag: 'event-qps', type: 'int', defaultValue: 50 },
  seccompDefault: { path: ['seccompDefault'], flag: 'seccomp-default', type: 'bool', defaultValue: false },
  staticPodPath: { path: ['staticPodPath'], flag: 'pod-manifest-path', type: 'string', defaultValue: '' },
} as const satisfies Record<string, KubeletField>;

export type Origin = 'flag' | 'drop-in' | 'config' | 'configz' | 'default' | 'legacy-default';

export interface Effective {
  /** undefined when the value cannot be known (see `unknown`). */
  value: unknown;
  origin: Origin;
  /** Where the value is set, or where it would have to be added. */
  object: LoadedObject;
  path: Path;
  /** Why the value is unknown. */
  unknown?: string;
}

/** The Go zero value of a field's type: what a /configz answer leaves out. */
function zeroOf(type: KubeletFieldType): unknown {
  return type === 'bool' ? false : type === 'int' ? 0 : type === 'list' ? [] : '';
}

function fromFlag(text: string, type: KubeletFieldType): unknown {
  switch (type) {
    case 'bool':
      return parseGoBool(text);
    case 'int':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

/** Booleans as sigs.k8s.io/yaml (YAML 1.1) reads them: `yes`, `on` … are booleans to the kubelet. */
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** A config value of the right JSON type (the kubelet's decoder rejects others), else undefined. */
function typed(v: unknown, type: KubeletFieldType): unknown {
  switch (type) {
    case 'bool':
      if (typeof v === 'boolean') return v;
      return typeof v === 'string' && YAML11_TRUE.has(v) ? true : typeof v === 'string' && YAML11_FALSE.has(v) ? false : undefined;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    case 'list':
      return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : undefined;
    default:
      return typeof v === 'string' ? v : undefined;
  }
}

function missingSource(ref: ConfigReference, what: string): string {
  const where = ref.nodePath ?? ref.flag.value;
  const why = ref.status === 'wrong-kind' ? 'holds no KubeletConfiguration' : ref.status === 'unreachable' ? `is not a node file (${ref.reason})` : 'is not in the scan';
  return `${what} ${where} (--${ref.flag.name}) ${why}, and it can override this value`;
}

/** JSON merge patch: a drop-in that sets the field (or nulls it or a parent) decides it. */
function fromDropIn(d: LoadedObject, path: readonly string[], type: KubeletFieldType): { decided: boolean; value?: unknown; deleted?: boolean; at: Path } {
  for (let k = 1; k <= path.length; k++) {
    const prefix = path.slice(0, k);
    const v = getIn(d.object, prefix);
    if (v === undefined) return { decided: false, at: [] };
    if (v === null) return { decided: true, deleted: true, at: prefix };
    if (k < path.length && !isMap(v)) return { decided: true, deleted: true, at: prefix };
    if (k === path.length) return { decided: true, value: typed(v, type), at: prefix };
  }
  return { decided: false, at: [] };
}

export function effective(inst: KubeletInstance, field: KubeletField): Effective {
  const p = inst.process;
  if (field.flag && p?.flags.isSet(field.flag)) {
    const at = p.flags.last(field.flag)!;
    const value = fromFlag(at.value, field.type);
    // seccomp-default is ORed with the configuration (server.go), not a precedence override.
    if (!(field.flag === 'seccomp-default' && value === false)) {
      return { value, origin: 'flag', object: p.owner, path: at.arg.path, ...(value === undefined ? { unknown: `--${field.flag}=${at.value} does not parse` } : {}) };
    }
  }
  if (inst.effective && inst.config) {
    const v = getIn(inst.config.object, field.path);
    return { value: v === undefined || v === null ? zeroOf(field.type) : typed(v, field.type), origin: 'configz', object: inst.config, path: [...field.path] };
  }
  if (inst.dropInRef && inst.dropInRef.status !== 'found') {
    return { value: undefined, origin: 'drop-in', object: p!.owner, path: inst.dropInRef.flag.arg.path, unknown: missingSource(inst.dropInRef, 'the drop-in directory') };
  }
  for (let i = inst.dropIns.length - 1; i >= 0; i--) {
    const d = inst.dropIns[i];
    const r = fromDropIn(d, field.path, field.type);
    if (!r.decided) continue;
    if (r.deleted) return { value: field.defaultValue, origin: 'drop-in', object: d, path: r.at };
    return { value: r.value, origin: 'drop-in', object: d, path: r.at, ...(r.value === undefined ? { unknown: `${field.path.join('.')} in ${describeFile(d)} has the wrong type` } : {}) };
  }
  if (inst.configRef && inst.configRef.status !== 'found') {
    return { value: undefined, origin: 'config', object: p!.owner, path: inst.configRef.flag.arg.path, unknown: missingSource(inst.configRef, 'the kubelet configuration file') };
  }
  if (inst.config) {
    const v = getIn(inst.config.object, field.path);
    if (v !== undefined && v !== null) {
      const value = typed(v, field.type);
      return { value, origin: 'config', object: inst.config, path: [...field.path], ...(value === undefined ? { unknown: `${field.path.join('.')} in ${describeFile(inst.config)} has the wrong type` } : {}) };
    }
  }
  // No --config (a command line without one): the legacy command-line defaults.
  const legacy = p !== undefined && !p.flags.nonEmpty('config') && 'legacyDefault' in field;
  const anchor = inst.anchor.object === inst.config ? { object: inst.config, path: [...field.path] } : inst.anchor;
  return { value: legacy ? field.legacyDefault : field.defaultValue, origin: legacy ? 'legacy-default' : 'default', object: anchor.object, path: anchor.path };
}

/** A feature gate's value as the kubelet sees it; undefined value: not set anywhere (the release default). */
export function kubeletFeatureGate(inst: KubeletInstance, gate: string): Effective | undefined {
  const p = inst.process;
  const gates = p?.flags.map('feature-gates');
  const fromFlags = gates?.get(gate);
  if (fromFlags) return { value: parseGoBool(fromFlags.value), origin: 'flag', object: p!.owner, path: fromFlags.at.arg.path };
  // /configz lists the gates someone set; one it leaves out is at the release's default, not off.
  if (inst.effective && inst.config && getIn(inst.config.object, ['featureGates', gate]) === undefined) return undefined;
  const e = effective(inst, { path: ['featureGates', gate], type: 'bool', defaultValue: undefined });
  if (e.unknown) return e;
  return e.origin === 'default' || e.origin === 'legacy-default' ? undefined : e;
}

/** Where a value comes from, for messages: "set on the command line", "the KubeletConfiguration default" … */
export function describeOrigin(e: Effective): string {
  switch (e.origin) {
    case 'flag':
      return 'set on the command line, which overrides the configuration files';
    case 'drop-in':
      return `set by the drop-in ${posix.basename(e.object.source.file)}, which overrides the --config file`;
    case 'config':
      return 'set in the KubeletConfiguration';
    case 'configz':
      return 'in the kubelet\'s effective configuration, /configz';
    case 'legacy-default':
      return 'the legacy default of a kubelet started without --config';
    default:
      return 'the KubeletConfiguration default';
  }
}
