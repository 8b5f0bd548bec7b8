/**
 * Types of the Pod Security Standards evaluator: a pure, versioned re-implementation of
 * k8s.io/pod-security-admission `policy` (the code behind the PodSecurity admission plugin).
 */

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** A policy version `v1.<minor>`. Versions newer than the newest known one evaluate as latest (like PSA). */
export interface PssVersion {
  major: 1;
  minor: number;
}

export type PssVersionSpec = PssVersion | 'latest';

/** A level at a version, as `scan --pss restricted:v1.30` asks for it (parsed by parsePssLevelVersion). */
export interface PssPolicy {
  level: PssLevel;
  version: PssVersionSpec;
}

/** The upstream check ids (`policy.CheckID`), in upstream order (baseline ids sorted, then restricted ids sorted). */
export const PSS_CHECK_IDS = [
  'appArmorProfile',
  'capabilities_baseline',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
  'allowPrivilegeEscalation',
  'capabilities_restricted',
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
] as const;

export type PssCheckId = (typeof PSS_CHECK_IDS)[number];

/** A path below the objects handed to evaluatePod: the first key is 'spec' (pod spec) or 'metadata' (pod metadata). */
export type PssPath = ReadonlyArray<string | number>;

export interface PssResult {
  checkId: PssCheckId;
  allowed: boolean;
  /** Upstream `ForbiddenReason`, e.g. `allowPrivilegeEscalation != false`. Set when not allowed. */
  forbiddenReason?: string;
  /** Upstream `ForbiddenDetail`, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`. */
  forbiddenDetail?: string;
  /**
   * Offending fields, relative to the objects given: `['spec', 'containers', 0, 'securityContext', 'privileged']`
   * or `['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/app']`. For a missing
   * required field, the path where it must be set.
   */
  paths: PssPath[];
}

export interface EvaluateOptions {
  /** Also return the checks that allowed the pod (allowed: true, no reason, no paths). Default false. */
  includeAllowed?: boolean;
}
