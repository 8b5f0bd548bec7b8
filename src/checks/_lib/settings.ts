/**
 * Settings read by several checks. A check lists the ones it reads in its `settings`; checks
 * reading the same setting share the spec object below (the engine verifies it).
 */
import type { SettingSpec } from '../../engine/types.js';
import { parsePssLevelVersion, parsePssVersion } from '../../pss/version.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';

function isPssPolicy(v: unknown): v is PssPolicy {
  return typeof v === 'object' && v !== null && 'level' in v && 'version' in v;
}

/** `pss`: the Pod Security level every pod is evaluated against (`scan --pss`, config `pss:`). */
export const PSS_SETTING: SettingSpec<PssPolicy | undefined> = {
  description: 'the Pod Security Standards level every pod and pod template is evaluated against, as `scan --pss` sets it: baseline, restricted, restricted:v1.30 (unset: only Namespaces with pod-security.kubernetes.io labels)',
  default: undefined,
  parse(raw) {
    if (isPssPolicy(raw)) return raw; // already parsed at the edge (--pss, the config file)
    if (typeof raw !== 'string') throw new Error(`must be a level such as "restricted" or "baseline:v1.30" (got ${JSON.stringify(raw)})`);
    if (raw.trim() === '') return undefined;
    try {
      return parsePssLevelVersion(raw);
    } catch (e) {
      throw new Error(`is ${JSON.stringify(raw)}: ${(e as Error).message}`, { cause: e });
    }
  },
};

/** `k8sVersion`: the Kubernetes version manifests are checked for. */
export const K8S_VERSION_SETTING: SettingSpec<PssVersionSpec | undefined> = {
  description: 'the Kubernetes version the manifests are for, "v1.30" or "latest": rules that changed between releases follow it (unset: the version of `pss`, else the newest)',
  default: undefined,
  parse(raw) {
    if (typeof raw !== 'string') {
      // YAML reads an unquoted 1.30 as the number 1.3: refuse rather than silently use v1.3.
      throw new Error(`must be a string such as "v1.30" or "latest" (got ${JSON.stringify(raw)}; quote it in YAML)`);
    }
    const v = parsePssVersion(raw.trim().replace(/^(v?1\.\d+)\.\d+$/, '$1')); // a patch release (v1.29.3) counts as its minor
    if (!v) throw new Error(`is "${raw}", which is not "latest" or "v1.<minor>" (e.g. v1.30)`);
    return v;
  },
};
