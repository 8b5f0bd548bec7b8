/**
 * The Pod Security Standards evaluator (parity with k8s.io/pod-security-admission): the one
 * interface the rest of kubeharden uses. evaluatePod is the fast path (docs/architecture.md):
 * it reads a reused PodView and allocates nothing for an allowed pod. The control rules below
 * are what catalogue checks that enforce a control share with it (checks/_lib/pss-control.ts).
 */
export type { PssCheckId, PssLevel, PssPath, PssPolicy, PssResult, PssVersionSpec } from './types.js';
export { PSS_CHECK_IDS } from './types.js';
export { evaluatePod, formatPssFailure, formatPssMessage, isAllowed } from './evaluate.js';
export { LATEST_MINOR, effectiveMinor, formatPssLevelVersion, formatPssVersion, parsePssLevelVersion, parsePssVersion } from './version.js';
export { checkDefinition, overridingCheck } from './registry.js';
export { namespacePolicy, PSS_LABEL_PREFIX } from './namespace.js';

// Control rules, one definition each (src/pss/checks/<control>.ts).
export { allowedAppArmorAnnotation, allowedAppArmorType, APPARMOR_ANNOTATION_PREFIX } from './checks/appArmorProfile.js';
export { BASELINE_CAPABILITIES, DROP_ALL, RESTRICTED_ADDABLE_CAPABILITIES } from './checks/capabilities.js';
export { actionHost, HOST_ACTIONS, LIFECYCLE_HANDLERS, PROBE_FIELDS } from './checks/hostProbesAndHostLifecycle.js';
export { allowedProcMount, runsInUserNamespace, USER_NAMESPACE_RELAXATION_MINOR } from './checks/procMount.js';
export { ALLOWED_VOLUME_TYPES, restrictedVolumeType, type RestrictedVolumeType } from './checks/restrictedVolumes.js';
export { allowedSeccompType, SECCOMP_CONTAINER_ANNOTATION_PREFIX, SECCOMP_POD_ANNOTATION } from './checks/seccompProfile.js';
export { allowedSELinuxTypes, SELINUX_ENGINE_TYPE_MINOR, seLinuxAllowed, seLinuxViolations, type SELinuxField } from './checks/seLinuxOptions.js';
export { allowedSysctls } from './checks/sysctls.js';
