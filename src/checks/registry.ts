/**
 * Every check kubeharden ships. Adding a check: create its folder and add one line here.
 * The engine itself knows no check by name.
 */
import type { Check } from '../engine/types.js';
import { rbacChecks } from './rbac/index.js';
import { check as ctrCapsDropAll } from './CTR-CAPS-DROP-ALL/index.js';
import { check as ctrPrivEsc } from './CTR-PRIV-ESC/index.js';
import { check as ctrPrivileged } from './CTR-PRIVILEGED/index.js';
import { check as ctrRoRootfs } from './CTR-RO-ROOTFS/index.js';
import { check as ctrRunAsNonRoot } from './CTR-RUN-AS-NON-ROOT/index.js';
import { check as imgTag } from './IMG-TAG/index.js';
import { check as podHostIpc } from './POD-HOST-IPC/index.js';
import { check as podHostNetwork } from './POD-HOST-NETWORK/index.js';
import { check as podHostPid } from './POD-HOST-PID/index.js';
import { check as podSeccomp } from './POD-SECCOMP/index.js';

export const ALL_CHECKS: readonly Check[] = [
  podHostNetwork,
  podHostPid,
  podHostIpc,
  ctrPrivileged,
  ctrPrivEsc,
  ctrRunAsNonRoot,
  ctrRoRootfs,
  ctrCapsDropAll,
  podSeccomp,
  imgTag,
  ...rbacChecks,
];

export function findCheck(id: string): Check | undefined {
  const upper = id.toUpperCase();
  return ALL_CHECKS.find((c) => c.meta.id.toUpperCase() === upper);
}
