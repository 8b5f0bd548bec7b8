/**
 * Pod Security levels and versions as CEL: the policy a pod's namespace labels name (read as the
 * PodSecurity admission plugin reads them) or the one `scan --pss` names, and a control evaluated
 * under it. Apart from the controls' wording (cel.ts) because it reads the registry, whose
 * controls use that wording.
 */
import { lit, type Cel } from '../k8s/cel.js';
import { PSS_LABEL_PREFIX } from './namespace.js';
import { checkDefinition, checksFor } from './registry.js';
import type { PssCheckId, PssLevel, PssVersionSpec } from './types.js';
import { effectiveMinor, formatPssVersion, LATEST_MINOR } from './version.js';

/** A Pod Security policy as CEL: level ('privileged' | 'baseline' | 'restricted'), version as written ('latest' | 'v1.N'), and the minor whose checks apply. */
export interface PolicyCel {
  level: Cel;
  version: Cel;
  minor: Cel;
}

const LEVELS = "['privileged', 'baseline', 'restricted']";

/**
 * The policies of a pod's namespace labels, as PodSecurity admission reads them (namespace.ts
 * namespacePolicy): an unset mode is privileged, an invalid level restricted, an invalid or empty
 * version latest, a version newer than the newest known evaluates as it; warn defaults to enforce
 * when only enforce is set. `constant` keeps each one a variable evaluated once per request.
 */
export function namespacePoliciesCel(constant: (name: string, e: Cel) => Cel): Record<'enforce' | 'warn' | 'audit', PolicyCel> {
  const labels = constant('@pss_labels', 'namespaceObject.metadata.?labels.orValue({})');
  const key = (k: string) => lit(PSS_LABEL_PREFIX + k);
  const levelOf = (m: string) => `(${key(m)} in ${labels} ? (${labels}[${key(m)}] in ${LEVELS} ? ${labels}[${key(m)}] : 'restricted') : 'privileged')`;
  const versionOf = (m: string) => `(${key(`${m}-version`)} in ${labels} && ${labels}[${key(`${m}-version`)}].matches('^v1\\\\.(0|[1-9][0-9]*)$') ? ${labels}[${key(`${m}-version`)}] : 'latest')`;
  const out = {} as Record<'enforce' | 'warn' | 'audit', PolicyCel>;
  for (const m of ['enforce', 'audit'] as const) {
    const level = constant(`@pss_${m}_level`, levelOf(m));
    const version = constant(`@pss_${m}_version`, versionOf(m));
    out[m] = { level, version, minor: constant(`@pss_${m}_minor`, minorOf(version)) };
  }
  // warn defaults to enforce (level and, unless warn-version is set, version) when warn is unset and enforce is a valid, stricter level.
  const defaulted = `(!(${key('warn')} in ${labels}) && ${key('enforce')} in ${labels} && ${labels}[${key('enforce')}] in ['baseline', 'restricted'])`;
  const level = constant('@pss_warn_level', `${defaulted} ? ${labels}[${key('enforce')}] : ${levelOf('warn')}`);
  const version = constant('@pss_warn_version', `${defaulted} && !(${key('warn-version')} in ${labels}) ? ${out.enforce.version} : ${versionOf('warn')}`);
  out.warn = { level, version, minor: constant('@pss_warn_minor', minorOf(version)) };
  return out;
}

/** The minor of a version written `latest` or `v1.N` (effectiveMinor). */
function minorOf(version: Cel): Cel {
  return `(${version} == 'latest' || ${version}.size() > 6 ? ${LATEST_MINOR} : (int(${version}.substring(3)) > ${LATEST_MINOR} ? ${LATEST_MINOR} : int(${version}.substring(3))))`;
}

/** The policy `scan --pss` names, written out. */
export function staticPolicyCel(level: PssLevel, version: PssVersionSpec): PolicyCel {
  return { level: lit(level), version: lit(formatPssVersion(version)), minor: String(effectiveMinor(version)) };
}

/**
 * A control evaluated at a level and version: '' when allowed (or not part of that level at that
 * version), else `reason (detail)`. Which implementation runs is the registry's (registry.ts), so
 * overrides (capabilities_restricted replacing capabilities_baseline from v1.22…) are the same.
 */
export function controlAtCel(id: PssCheckId, policy: PolicyCel, impl: (index: number) => Cel): Cel {
  const def = checkDefinition(id);
  const branches: Cel[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    // The implementation index active at each minor, -1 when the control does not run.
    const active: number[] = [];
    for (let minor = 0; minor <= LATEST_MINOR; minor++) {
      const fn = checksFor(level, minor).find((c) => c.id === id)?.fn;
      active.push(fn ? def.versions.findIndex((v) => v.check === fn) : -1);
    }
    const ranges: Array<{ lo: number; hi: number; index: number }> = [];
    active.forEach((index, minor) => {
      const last = ranges[ranges.length - 1];
      if (last && last.index === index && last.hi === minor - 1) last.hi = minor;
      else ranges.push({ lo: minor, hi: minor, index });
    });
    const body = ranges
      .filter((r) => r.index >= 0)
      .reduceRight((els, r) => `((${policy.minor}) >= ${r.lo} && (${policy.minor}) <= ${r.hi} ? ${impl(r.index)} : ${els})`, "''");
    branches.push(`(${policy.level}) == ${lit(level)} ? ${body}`);
  }
  return `(${branches.join(' : ')} : '')`;
}
