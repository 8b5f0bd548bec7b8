/**
 * The Pod Security Standards checks: one PodCheck per upstream PSA check id (PSS-<id>) plus the
 * bundle check PSS-NAMESPACE-NO-ENFORCE. They report only when `scan --pss` asks for a level or
 * a scanned Namespace carries pod-security.kubernetes.io labels; all of them share one
 * evaluation per pod (see evaluation.ts). Messages start with PSA's own wording.
 */
import type { BundleCheck, Check, PodCheck, RawFinding } from '../../engine/types.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { formatPssFailure, formatPssLevelVersion, formatPssVersion, type PssCheckId, type PssPath } from '../../pss/index.js';
import { podPss, PSS_SETTINGS, type PssFailure } from './evaluation.js';
import { absolutePath, pssFix } from './fix.js';
import { PSS_CHECK_SPECS, pssCheckMeta, type PssCheckSpec } from './meta.js';
import { namespaceNoEnforce } from './namespace-no-enforce.js';
import { pssCel } from './cel.js';

/** Where the finding comes from, in words: which policy, and what happens at admission. */
function modeSentence(pod: PodTarget, f: PssFailure): string {
  const lv = formatPssLevelVersion(f.policy.level, f.policy.version);
  const ns = f.policy.namespace;
  const isPod = pod.owner.kind === 'Pod';
  const subject = isPod ? 'this Pod is' : `the pods of this ${pod.owner.kind} are`;
  switch (f.policy.mode) {
    case 'enforce':
      return ` Namespace "${ns}" enforces ${lv}: ${subject} rejected at admission${isPod ? '' : ' (the workload itself is accepted with a warning)'}.`;
    case 'warn':
      return ` Namespace "${ns}" warns at ${lv}: kubectl prints this as a warning.`;
    case 'audit':
      return ` Namespace "${ns}" audits at ${lv}: recorded in the API server audit log.`;
    default:
      return ` (Pod Security ${lv})`;
  }
}

/** The container all the paths point into, if there is exactly one. */
function singleContainer(pod: PodTarget, paths: readonly PssPath[]): string | undefined {
  let name: string | undefined;
  for (const p of paths) {
    if (p[0] !== 'spec' || typeof p[2] !== 'number' || !(p[1] === 'containers' || p[1] === 'initContainers' || p[1] === 'ephemeralContainers')) return undefined;
    const c = pod.containers.find((x) => x.kind === p[1] && x.index === p[2]);
    if (!c || (name !== undefined && name !== c.name)) return undefined;
    name = c.name;
  }
  return name;
}

function podCheck(spec: PssCheckSpec): PodCheck<typeof PSS_SETTINGS> {
  const meta = pssCheckMeta(spec);
  return {
    scope: 'pod',
    meta,
    settings: PSS_SETTINGS,
    cel: pssCel(spec),
    *check(pod, ctx): Iterable<RawFinding> {
      const f = podPss(pod, ctx).failures.get(spec.checkId);
      if (!f) return;
      const r = f.result;
      const paths = r.paths.length > 0 ? r.paths : [['spec']];
      const finding: RawFinding = {
        message: `${formatPssFailure(r)}. ${spec.fix}${modeSentence(pod, f)}`,
        path: absolutePath(pod, paths[0]),
        pss: { level: f.policy.level, version: formatPssVersion(f.policy.version), mode: f.policy.mode },
      };
      const container = singleContainer(pod, r.paths);
      if (container !== undefined) finding.container = container;
      // hostPath is the dangerous case of restricted volume types
      if (spec.checkId === 'restrictedVolumes' && r.forbiddenDetail?.includes('"hostPath"')) finding.severity = 'medium';
      const fix = pssFix(spec.checkId, pod, r);
      if (fix) finding.fix = fix;
      yield finding;
    },
  };
}

export const pssPodChecks: readonly PodCheck<typeof PSS_SETTINGS>[] = PSS_CHECK_SPECS.map(podCheck);
export { namespaceNoEnforce };

/** The Pod Security Admission check each PSS-* check reports, by check id. */
export const PSA_CHECK_OF: ReadonlyMap<string, PssCheckId> = new Map(PSS_CHECK_SPECS.map((s) => [s.id, s.checkId]));

/** Every PSS check, for the registry. */
export const pssChecks: Check[] = [...pssPodChecks, namespaceNoEnforce as BundleCheck];
