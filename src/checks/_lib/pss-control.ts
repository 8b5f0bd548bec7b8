/**
 * The link from a catalogue check to the Pod Security Standards controls it enforces. Such a
 * check words findings its own way (per container, with fixes and severities), but its rules
 * (allowed values, version changes) are the control's, imported from src/pss/checks, and its
 * level is the control's: written once, there. psa-parity.test.ts finds the linked checks here
 * and holds each to Pod Security Admission on the upstream fixtures.
 */
import type { CheckMeta } from '../../engine/types.js';
import type { PssCheckId } from '../../pss/types.js';
import { checkDefinition } from '../../pss/index.js';

/** `pss` and `pssControls` for a check's metadata: `...enforcesPssControls('seLinuxOptions')`. */
export function enforcesPssControls(first: PssCheckId, ...more: PssCheckId[]): Pick<CheckMeta, 'pss' | 'pssControls'> {
  const level = checkDefinition(first).level;
  return { pss: level, pssControls: [first, ...more] };
}
