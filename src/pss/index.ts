/** The Pod Security Standards evaluator (parity with k8s.io/pod-security-admission). */
export type { EvaluateOptions, PssCheckId, PssLevel, PssPath, PssPolicy, PssResult, PssVersion, PssVersionSpec } from './types.js';
export { PSS_CHECK_IDS } from './types.js';
export { evaluatePod, formatPssFailure, formatPssMessage, isAllowed } from './evaluate.js';
export {
  LATEST_MINOR,
  PSS_LEVELS,
  effectiveMinor,
  formatPssLevelVersion,
  formatPssVersion,
  isPssLevel,
  parsePssLevelVersion,
  parsePssVersion,
  pssVersion,
} from './version.js';
export { CHECK_DEFINITIONS, checkDefinition, checkMinVersion, checksFor, overridingCheck } from './registry.js';
export { namespacePolicy, PSS_LABEL_PREFIX, type NamespacePolicy, type PssMode, type PssModePolicy } from './namespace.js';
