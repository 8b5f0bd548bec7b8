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
import { check as imgDigest } from './IMG-DIGEST/index.js';
import { check as imgPullAlways } from './IMG-PULL-ALWAYS/index.js';
import { check as imgRegistry } from './IMG-REGISTRY/index.js';
import { check as cmpRisky } from './CMP-RISKY/index.js';
import { check as saAutomount } from './SA-AUTOMOUNT/index.js';
import { check as saDefaultUsed } from './SA-DEFAULT-USED/index.js';
import { check as saDefaultObj } from './SA-DEFAULT-OBJ/index.js';
import { check as saRef } from './SA-REF/index.js';
import { check as secEnvSecretref } from './SEC-ENV-SECRETREF/index.js';
import { check as secEnvLiteral } from './SEC-ENV-LITERAL/index.js';
import { check as secConfigmap } from './SEC-CONFIGMAP/index.js';
import { check as secSecretData } from './SEC-SECRET-DATA/index.js';
import { check as secDupEnv } from './SEC-DUP-ENV/index.js';
import { check as wlSaPower } from './WL-SA-POWER/index.js';
import { check as metaDefaultNs } from './META-DEFAULT-NS/index.js';
import { check as metaKubeSystem } from './META-KUBE-SYSTEM/index.js';
import { check as wlNakedPod } from './WL-NAKED-POD/index.js';
import { check as apiDeprecated } from './API-DEPRECATED/index.js';
import { check as netNoNetpol } from './NET-NO-NETPOL/index.js';
import { check as netNsDefaultDeny } from './NET-NS-DEFAULT-DENY/index.js';
import { check as netNetpolDangling } from './NET-NETPOL-DANGLING/index.js';
import { check as netSvcExposed } from './NET-SVC-EXPOSED/index.js';
import { check as netSvcExternalIps } from './NET-SVC-EXTERNAL-IPS/index.js';
import { check as netIngressTls } from './NET-INGRESS-TLS/index.js';
import { check as netNginxSnippet } from './NET-NGINX-SNIPPET/index.js';

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
  imgDigest,
  imgPullAlways,
  imgRegistry,
  cmpRisky,
  saAutomount,
  saDefaultUsed,
  saDefaultObj,
  saRef,
  secEnvSecretref,
  secEnvLiteral,
  secConfigmap,
  secSecretData,
  secDupEnv,
  wlSaPower,
  metaDefaultNs,
  metaKubeSystem,
  wlNakedPod,
  apiDeprecated,
  netNoNetpol,
  netNsDefaultDeny,
  netNetpolDangling,
  netSvcExposed,
  netSvcExternalIps,
  netIngressTls,
  netNginxSnippet,
  ...rbacChecks,
];

export function findCheck(id: string): Check | undefined {
  const upper = id.toUpperCase();
  return ALL_CHECKS.find((c) => c.meta.id.toUpperCase() === upper);
}
