/**
 * The severities, lowest first. A file of their own because the CEL-form contract (k8s/cel.ts)
 * names them and engine/types.ts names that contract: both import this, neither the other.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
