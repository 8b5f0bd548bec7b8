/** -n/--namespace: one parser for every command that takes it. */
import { UsageError } from './exit.js';

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function parseNamespaceFlag(s: string | undefined, flag = '-n/--namespace'): string | undefined {
  if (s === undefined) return undefined;
  if (!RFC1123_LABEL.test(s) || s.length > 63) throw new UsageError(`${flag}: "${s}" is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)`);
  return s;
}
