/**
 * The Kubernetes version a check evaluates against, for checks whose rules changed between
 * releases (the safe sysctls, the SELinux types, the user-namespace relaxations): setting
 * `k8sVersion`; else the version of the `pss` setting; else the newest version the Pod Security
 * evaluator knows.
 */
import { effectiveMinor, LATEST_MINOR } from '../../pss/version.js';
import type { PssPolicy, PssVersionSpec } from '../../pss/types.js';
import { K8S_VERSION_SETTING, PSS_SETTING } from './settings.js';

/** The settings a version-dependent check declares. */
export const VERSION_SETTINGS = { k8sVersion: K8S_VERSION_SETTING, pss: PSS_SETTING };

export function targetMinor(settings: { readonly k8sVersion: PssVersionSpec | undefined; readonly pss: PssPolicy | undefined }): number {
  if (settings.k8sVersion !== undefined) return effectiveMinor(settings.k8sVersion);
  if (settings.pss) return effectiveMinor(settings.pss.version);
  return LATEST_MINOR;
}

/** "v1.30" for messages. */
export function formatMinor(minor: number): string {
  return `v1.${minor}`;
}
