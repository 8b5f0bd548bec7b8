/**
 * The Kubernetes version a check evaluates against, for checks whose rules changed between
 * releases (the safe sysctls, the SELinux types, the user-namespace relaxations). Setting
 * `k8sVersion` ("v1.30", "1.30" or "latest"); else the version of the `pss` setting
 * ("restricted:v1.30"); else the newest version the Pod Security evaluator knows.
 */
import { effectiveMinor, LATEST_MINOR, parsePssVersion } from '../../pss/version.js';

export function targetMinor(settings: Readonly<Record<string, unknown>>): number {
  const raw = settings.k8sVersion;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'string') {
      // YAML reads an unquoted 1.30 as the number 1.3: refuse rather than silently use v1.3.
      throw new Error(`setting k8sVersion must be a string such as "v1.30" or "latest" (got ${JSON.stringify(raw)}; quote it in YAML)`);
    }
    const v = parsePssVersion(raw.trim());
    if (!v) throw new Error(`setting k8sVersion "${raw}" is not "latest" or "v1.<minor>" (e.g. v1.30)`);
    return effectiveMinor(v);
  }
  const pss = settings.pss;
  if (typeof pss === 'string') {
    const colon = pss.indexOf(':');
    const v = colon >= 0 ? parsePssVersion(pss.slice(colon + 1).trim()) : undefined;
    if (v) return effectiveMinor(v);
  }
  return LATEST_MINOR;
}

/** "v1.30" for messages. */
export function formatMinor(minor: number): string {
  return `v1.${minor}`;
}
