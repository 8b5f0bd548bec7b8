/** Sources the control-plane and kubelet checks cite, and the NSA/CISA guide sections they implement. */
import type { Reference } from '../../engine/types.js';

export const CIS_K8S: Reference = { title: 'CIS Kubernetes Benchmark v1.12 (control plane, etcd, worker nodes)', url: 'https://www.cisecurity.org/benchmark/kubernetes' };
export const KUBE_APISERVER_REF: Reference = { title: 'kube-apiserver command-line reference', url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/' };
export const KCM_REF: Reference = { title: 'kube-controller-manager command-line reference', url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/' };
export const SCHEDULER_REF: Reference = { title: 'kube-scheduler command-line reference', url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/' };
export const KUBELET_REF: Reference = { title: 'kubelet command-line reference', url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/' };
export const KUBELET_CONFIG_REF: Reference = { title: 'Kubelet Configuration (v1beta1)', url: 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/' };
export const KUBELET_CONFIG_FILE: Reference = { title: 'Set Kubelet Parameters Via A Configuration File (merging order, drop-ins)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/' };
export const KUBELET_AUTHN: Reference = { title: 'Kubelet authentication/authorization', url: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/' };
export const KUBELET_TLS_BOOTSTRAP: Reference = { title: 'TLS bootstrapping: certificate rotation', url: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/' };
export const AUTHENTICATION: Reference = { title: 'Authenticating (anonymous requests, static token file, structured configuration)', url: 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/' };
export const AUTHORIZATION: Reference = { title: 'Authorization (modes, structured authorization configuration)', url: 'https://kubernetes.io/docs/reference/access-authn-authz/authorization/' };
export const NODE_AUTHZ: Reference = { title: 'Using Node Authorization', url: 'https://kubernetes.io/docs/reference/access-authn-authz/node/' };
export const ADMISSION: Reference = { title: 'Admission Control in Kubernetes (plugins enabled by default)', url: 'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/' };
export const PSA_CONFIG: Reference = { title: 'Enforce Pod Security Standards by Configuring the Built-in Admission Controller', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/' };
export const AUDITING: Reference = { title: 'Auditing (policy, log backend, rotation flags)', url: 'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/' };
export const ENCRYPT_AT_REST: Reference = { title: 'Encrypting Confidential Data at Rest (providers and their strength)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/' };
export const KMS_PROVIDER: Reference = { title: 'Using a KMS provider for data encryption (KMS v1 deprecation)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/' };
export const ETCD_SECURITY: Reference = { title: 'etcd: transport security model', url: 'https://etcd.io/docs/v3.6/op-guide/security/' };
export const OPERATE_ETCD: Reference = { title: 'Operating etcd clusters for Kubernetes (securing etcd)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/' };
export const CONTROL_PLANE_TLS: Reference = { title: 'PKI certificates and requirements', url: 'https://kubernetes.io/docs/setup/best-practices/certificates/' };
export const GO_TLS: Reference = { title: 'Go crypto/tls: cipher suites and default minimum versions', url: 'https://pkg.go.dev/crypto/tls#pkg-constants' };
export const SA_ADMIN: Reference = { title: 'Managing Service Accounts (key files, token lookup)', url: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/' };
export const PROFILING_DEBUG: Reference = { title: 'Kubernetes components: --profiling exposes /debug/pprof', url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/' };
export const CVE_2020_8554_REF: Reference = { title: 'CVE-2020-8554: man in the middle using ExternalIPs (DenyServiceExternalIPs)', url: 'https://github.com/kubernetes/kubernetes/issues/97076' };
export const KUBE_BENCH: Reference = { title: 'kube-bench (the CIS Benchmark checker this is compared with)', url: 'https://github.com/aquasecurity/kube-bench' };
export const SECCOMP_DEFAULT: Reference = { title: 'Enable the RuntimeDefault seccomp profile for all workloads', url: 'https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads' };
export const SCHEDULER_CONFIG: Reference = { title: 'kube-scheduler Configuration (v1)', url: 'https://kubernetes.io/docs/reference/config-api/kube-scheduler-config.v1/' };

/**
 * NSA/CISA Kubernetes Hardening Guide v1.2 recommendations, by the ids of the compliance framework
 * table (src/report/compliance/frameworks.ts; the guide does not number them).
 */
export const NSA = {
  podSecurity: 'P8', // Pod security enforcement
  seccomp: 'P7', // Kernel hardening: seccomp …
  controlPlane: 'N4', // Control plane hardening
  etcd: 'N5', // Etcd access and encryption
  tls: 'N8', // Encryption of traffic (TLS)
  anonymous: 'A1', // No anonymous or catch-all grants
  rbac: 'A2', // Role-based access control: least privilege
  audit: 'L1', // Audit logging enabled with a policy
} as const;
