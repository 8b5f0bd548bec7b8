/**
 * The checks `fix --pss` and `harden` run: every shipped check, plus the Pod Security Standards
 * checks (their findings carry the PSS remediations, e.g. removing capabilities the level does
 * not allow) whether or not the registry lists them, each id once.
 */
import { ALL_CHECKS } from '../checks/registry.js';
import { pssChecks } from '../checks/pss/index.js';
import type { Check } from '../engine/types.js';

export function checksWithPss(): readonly Check[] {
  const ids = new Set(ALL_CHECKS.map((c) => c.meta.id));
  return [...ALL_CHECKS, ...pssChecks.filter((c) => !ids.has(c.meta.id))];
}
