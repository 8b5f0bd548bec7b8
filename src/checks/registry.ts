/**
 * Every check kubeharden ships. Adding a check: create its folder and add one line here.
 * The engine itself knows no check by name.
 */
import type { Check } from '../engine/types.js';
import { rbacChecks } from './rbac/index.js';
import { pssChecks } from './pss/index.js';
import { controlPlaneChecks } from './controlplane/index.js';
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
import { check as imgVuln } from './IMG-VULN/index.js';
import { check as imgVulnReport } from './IMG-VULN-REPORT/index.js';
import { check as imgSignature } from './IMG-SIGNATURE/index.js';
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
import { check as netAllowWide } from './NET-ALLOW-WIDE/index.js';
import { check as netSvcExposed } from './NET-SVC-EXPOSED/index.js';
import { check as netSvcExternalIps } from './NET-SVC-EXTERNAL-IPS/index.js';
import { check as netIngressTls } from './NET-INGRESS-TLS/index.js';
import { check as netNginxSnippet } from './NET-NGINX-SNIPPET/index.js';
import { check as podWinHostprocess } from './POD-WIN-HOSTPROCESS/index.js';
import { check as podHostUsers } from './POD-HOST-USERS/index.js';
import { check as podHostAliases } from './POD-HOST-ALIASES/index.js';
import { check as podSysctls } from './POD-SYSCTLS/index.js';
import { check as podSharePidNs } from './POD-SHARE-PID-NS/index.js';
import { check as podHostProbes } from './POD-HOST-PROBES/index.js';
import { check as ctrCapsDropNetRaw } from './CTR-CAPS-DROP-NET-RAW/index.js';
import { check as ctrCapsDropAny } from './CTR-CAPS-DROP-ANY/index.js';
import { check as ctrCapsAddNondefault } from './CTR-CAPS-ADD-NONDEFAULT/index.js';
import { check as ctrCapsAddDangerous } from './CTR-CAPS-ADD-DANGEROUS/index.js';
import { check as ctrCapsRestricted } from './CTR-CAPS-RESTRICTED/index.js';
import { check as ctrProcMount } from './CTR-PROC-MOUNT/index.js';
import { check as ctrRunAsUid0 } from './CTR-RUN-AS-UID0/index.js';
import { check as ctrHighUid } from './CTR-HIGH-UID/index.js';
import { check as ctrHighGid } from './CTR-HIGH-GID/index.js';
import { check as ctrRootGroup } from './CTR-ROOT-GROUP/index.js';
import { check as ctrNonrootUnverifiable } from './CTR-NONROOT-UNVERIFIABLE/index.js';
import { check as podSeccompUnconfined } from './POD-SECCOMP-UNCONFINED/index.js';
import { check as podApparmor } from './POD-APPARMOR/index.js';
import { check as podSelinux } from './POD-SELINUX/index.js';
import { check as ctrSecctxPresent } from './CTR-SECCTX-PRESENT/index.js';
import { check as volHostpath } from './VOL-HOSTPATH/index.js';
import { check as volHostpathWritable } from './VOL-HOSTPATH-WRITABLE/index.js';
import { check as volHostpathSensitive } from './VOL-HOSTPATH-SENSITIVE/index.js';
import { check as volRuntimeSocket } from './VOL-RUNTIME-SOCKET/index.js';
import { check as volNonCore } from './VOL-NON-CORE/index.js';
import { check as volCloudCreds } from './VOL-CLOUD-CREDS/index.js';
import { check as ctrHostport } from './CTR-HOSTPORT/index.js';
import { check as ctrPrivPort } from './CTR-PRIV-PORT/index.js';
import { check as ctrSshPort } from './CTR-SSH-PORT/index.js';
import { check as ctrSudo } from './CTR-SUDO/index.js';
import { check as resCpuReq } from './RES-CPU-REQ/index.js';
import { check as resCpuLim } from './RES-CPU-LIM/index.js';
import { check as resMemReq } from './RES-MEM-REQ/index.js';
import { check as resMemLim } from './RES-MEM-LIM/index.js';
import { check as resOther } from './RES-OTHER/index.js';
import { check as relProbes } from './REL-PROBES/index.js';
import { check as podFsgroup } from './POD-FSGROUP/index.js';
import { check as cluVersionEol } from './CLU-VERSION-EOL/index.js';
import { check as cluVersionPatch } from './CLU-VERSION-PATCH/index.js';
import { check as cluKubeletSkew } from './CLU-KUBELET-SKEW/index.js';
import { check as cluNodePublicIp } from './CLU-NODE-PUBLIC-IP/index.js';
import { check as cluSvcInventory } from './CLU-SVC-INVENTORY/index.js';
import { check as cluLegacySaToken } from './CLU-LEGACY-SA-TOKEN/index.js';
import { check as cluAnonymousAuth } from './CLU-ANONYMOUS-AUTH/index.js';
import { check as cluWebhookFailOpen } from './CLU-WEBHOOK-FAIL-OPEN/index.js';
import { check as cluDeprecatedApiUse } from './CLU-DEPRECATED-API-USE/index.js';
import { check as admNsWeaken } from './ADM-NS-WEAKEN/index.js';
import { check as metaIgnoreUnknown } from './META-IGNORE-UNKNOWN/index.js';

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
  imgVuln,
  imgVulnReport,
  imgSignature,
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
  netAllowWide,
  netSvcExposed,
  netSvcExternalIps,
  netIngressTls,
  netNginxSnippet,
  podWinHostprocess,
  podHostUsers,
  podHostAliases,
  podSysctls,
  podSharePidNs,
  podHostProbes,
  ctrCapsDropNetRaw,
  ctrCapsDropAny,
  ctrCapsAddNondefault,
  ctrCapsAddDangerous,
  ctrCapsRestricted,
  ctrProcMount,
  ctrRunAsUid0,
  ctrHighUid,
  ctrHighGid,
  ctrRootGroup,
  ctrNonrootUnverifiable,
  podSeccompUnconfined,
  podApparmor,
  podSelinux,
  ctrSecctxPresent,
  volHostpath,
  volHostpathWritable,
  volHostpathSensitive,
  volRuntimeSocket,
  volNonCore,
  volCloudCreds,
  ctrHostport,
  ctrPrivPort,
  ctrSshPort,
  ctrSudo,
  resCpuReq,
  resCpuLim,
  resMemReq,
  resMemLim,
  resOther,
  relProbes,
  podFsgroup,
  cluVersionEol,
  cluVersionPatch,
  cluKubeletSkew,
  cluNodePublicIp,
  cluSvcInventory,
  cluLegacySaToken,
  cluAnonymousAuth,
  cluWebhookFailOpen,
  cluDeprecatedApiUse,
  admNsWeaken,
  metaIgnoreUnknown,
  ...rbacChecks,
  ...pssChecks,
  ...controlPlaneChecks,
];
