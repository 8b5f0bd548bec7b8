/** The control-plane and kubelet configuration checks: component flags, their configuration files, live probes. */
import type { Check } from '../../engine/types.js';
import { check as admissionPsaExemptions } from './ADMISSION-PSA-EXEMPTIONS/index.js';
import { check as apiserverAdmissionPlugins } from './APISERVER-ADMISSION-PLUGINS/index.js';
import { check as apiserverAnonymousAuth } from './APISERVER-ANONYMOUS-AUTH/index.js';
import { check as apiserverAnonymousProbe } from './APISERVER-ANONYMOUS-PROBE/index.js';
import { check as apiserverAuditLog } from './APISERVER-AUDIT-LOG/index.js';
import { check as apiserverAuditLogRetention } from './APISERVER-AUDIT-LOG-RETENTION/index.js';
import { check as apiserverAuditPolicy } from './APISERVER-AUDIT-POLICY/index.js';
import { check as apiserverAuthzMode } from './APISERVER-AUTHZ-MODE/index.js';
import { check as apiserverEncryption } from './APISERVER-ENCRYPTION/index.js';
import { check as apiserverEtcdTls } from './APISERVER-ETCD-TLS/index.js';
import { check as apiserverKubeletTls } from './APISERVER-KUBELET-TLS/index.js';
import { check as apiserverSaExtendToken } from './APISERVER-SA-EXTEND-TOKEN/index.js';
import { check as apiserverSaKeyFile } from './APISERVER-SA-KEY-FILE/index.js';
import { check as apiserverSaLookup } from './APISERVER-SA-LOOKUP/index.js';
import { check as apiserverTlsCerts } from './APISERVER-TLS-CERTS/index.js';
import { check as apiserverTlsWeak } from './APISERVER-TLS-WEAK/index.js';
import { check as apiserverTokenAuthFile } from './APISERVER-TOKEN-AUTH-FILE/index.js';
import { check as auditPolicyGaps } from './AUDIT-POLICY-GAPS/index.js';
import { check as auditPolicySecretBodies } from './AUDIT-POLICY-SECRET-BODIES/index.js';
import { check as authnConfigAnonymous } from './AUTHN-CONFIG-ANONYMOUS/index.js';
import { check as authzConfigModes } from './AUTHZ-CONFIG-MODES/index.js';
import { check as cpBindAddress } from './CP-BIND-ADDRESS/index.js';
import { check as cpConfigInvalid } from './CP-CONFIG-INVALID/index.js';
import { check as cpInsecurePort } from './CP-INSECURE-PORT/index.js';
import { check as cpNotAssessable } from './CP-NOT-ASSESSABLE/index.js';
import { check as cpProfiling } from './CP-PROFILING/index.js';
import { check as encryptionProviders } from './ENCRYPTION-PROVIDERS/index.js';
import { check as etcdAutoTls } from './ETCD-AUTO-TLS/index.js';
import { check as etcdClientCertAuth } from './ETCD-CLIENT-CERT-AUTH/index.js';
import { check as etcdClientTls } from './ETCD-CLIENT-TLS/index.js';
import { check as etcdPeerTls } from './ETCD-PEER-TLS/index.js';
import { check as kcmRotateServerCert } from './KCM-ROTATE-SERVER-CERT/index.js';
import { check as kcmSaCredentials } from './KCM-SA-CREDENTIALS/index.js';
import { check as kcmSaKeys } from './KCM-SA-KEYS/index.js';
import { check as kubeletAnonymousAuth } from './KUBELET-ANONYMOUS-AUTH/index.js';
import { check as kubeletAuthzMode } from './KUBELET-AUTHZ-MODE/index.js';
import { check as kubeletCertRotation } from './KUBELET-CERT-ROTATION/index.js';
import { check as kubeletClientCa } from './KUBELET-CLIENT-CA/index.js';
import { check as kubeletEventQps } from './KUBELET-EVENT-QPS/index.js';
import { check as kubeletIptablesChains } from './KUBELET-IPTABLES-CHAINS/index.js';
import { check as kubeletProtectKernelDefaults } from './KUBELET-PROTECT-KERNEL-DEFAULTS/index.js';
import { check as kubeletReadOnlyPort } from './KUBELET-READ-ONLY-PORT/index.js';
import { check as kubeletSeccompDefault } from './KUBELET-SECCOMP-DEFAULT/index.js';
import { check as kubeletServingCert } from './KUBELET-SERVING-CERT/index.js';
import { check as kubeletStreamingTimeout } from './KUBELET-STREAMING-TIMEOUT/index.js';
import { check as kubeletTlsWeak } from './KUBELET-TLS-WEAK/index.js';
import { check as kubeletWebhookAuthn } from './KUBELET-WEBHOOK-AUTHN/index.js';

/** Why none of these is a ValidatingAdmissionPolicy (kubeharden export vap). */
const NOT_AN_ADMITTED_OBJECT = { form: 'unsupported', reason: 'it reads the configuration of control-plane components and nodes (flags, configuration files, probes), not an object admission sees' } as const;

export const controlPlaneChecks: Check[] = [
  admissionPsaExemptions,
  apiserverAdmissionPlugins,
  apiserverAnonymousAuth,
  apiserverAnonymousProbe,
  apiserverAuditLog,
  apiserverAuditLogRetention,
  apiserverAuditPolicy,
  apiserverAuthzMode,
  apiserverEncryption,
  apiserverEtcdTls,
  apiserverKubeletTls,
  apiserverSaExtendToken,
  apiserverSaKeyFile,
  apiserverSaLookup,
  apiserverTlsCerts,
  apiserverTlsWeak,
  apiserverTokenAuthFile,
  auditPolicyGaps,
  auditPolicySecretBodies,
  authnConfigAnonymous,
  authzConfigModes,
  cpBindAddress,
  cpConfigInvalid,
  cpInsecurePort,
  cpNotAssessable,
  cpProfiling,
  encryptionProviders,
  etcdAutoTls,
  etcdClientCertAuth,
  etcdClientTls,
  etcdPeerTls,
  kcmRotateServerCert,
  kcmSaCredentials,
  kcmSaKeys,
  kubeletAnonymousAuth,
  kubeletAuthzMode,
  kubeletCertRotation,
  kubeletClientCa,
  kubeletEventQps,
  kubeletIptablesChains,
  kubeletProtectKernelDefaults,
  kubeletReadOnlyPort,
  kubeletSeccompDefault,
  kubeletServingCert,
  kubeletStreamingTimeout,
  kubeletTlsWeak,
  kubeletWebhookAuthn,
].map((c: Check): Check => (c.cel ? c : ({ ...c, cel: NOT_AN_ADMITTED_OBJECT } as Check)));
