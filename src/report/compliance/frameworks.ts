/**
 * Compliance frameworks as data: each control of a framework and the kubeharden checks that
 * assess it. A control with no check is listed as not assessable (a person has to verify it), never
 * as passed. Checks can also claim controls in their metadata (`meta.controls.cis` / `.nsa`, e.g.
 * control-plane checks claim CIS 1.2.x): the evaluation adds them to the control of that id, or to a
 * new control named after the check when the framework here does not list the id.
 */
import type { Reference } from '../../engine/types.js';
import { CIS, NSA_CISA, PSS_BASELINE, PSS_RESTRICTED } from '../../checks/_lib/references.js';

export interface Control {
  id: string;
  title: string;
  /** Group heading (a section of the framework). */
  section: string;
  /** kubeharden check ids that assess it; empty: not assessable by kubeharden. */
  checks: readonly string[];
  /** Why kubeharden cannot assess it, for controls without checks. */
  manual?: string;
}

export interface Framework {
  id: FrameworkId;
  title: string;
  version: string;
  reference: Reference;
  /** Which `meta.controls` key of a check claims controls of this framework. */
  metaKey?: 'cis' | 'nsa';
  /** The Pod Security Standards level the framework needs evaluated (scan --pss). */
  pssLevel?: 'baseline' | 'restricted';
  controls: readonly Control[];
}

export const FRAMEWORK_IDS = ['nsa-cisa', 'cis', 'pss-baseline', 'pss-restricted'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

const CLUSTER = 'a property of the running cluster or its nodes, not of manifests: verify it on the cluster';

/**
 * The recommendations of the NSA/CISA Kubernetes Hardening Guide v1.2. The guide does not number
 * them; the ids are its section order (P pod security, N network separation, A authentication and
 * authorization, L logging, U upgrading).
 */
const NSA: Framework = {
  id: 'nsa-cisa',
  title: 'NSA/CISA Kubernetes Hardening Guide',
  version: 'v1.2 (August 2022)',
  reference: NSA_CISA,
  metaKey: 'nsa',
  controls: [
    { id: 'P1', section: 'Kubernetes Pod security', title: 'Non-root containers', checks: ['CTR-RUN-AS-NON-ROOT', 'CTR-RUN-AS-UID0', 'CTR-ROOT-GROUP', 'CTR-HIGH-UID', 'CTR-HIGH-GID', 'CTR-NONROOT-UNVERIFIABLE'] },
    { id: 'P2', section: 'Kubernetes Pod security', title: 'Immutable container file systems', checks: ['CTR-RO-ROOTFS'] },
    { id: 'P3', section: 'Kubernetes Pod security', title: 'Building secure container images (trusted registries, pinned images, no end-of-life components)', checks: ['IMG-TAG', 'IMG-DIGEST', 'IMG-REGISTRY', 'IMG-PULL-ALWAYS', 'CMP-RISKY'] },
    { id: 'P4', section: 'Kubernetes Pod security', title: 'No privileged containers or privilege escalation; minimal capabilities', checks: ['CTR-PRIVILEGED', 'CTR-PRIV-ESC', 'CTR-CAPS-DROP-ALL', 'CTR-CAPS-ADD-DANGEROUS', 'CTR-CAPS-ADD-NONDEFAULT', 'CTR-SUDO'] },
    { id: 'P5', section: 'Kubernetes Pod security', title: 'No host namespaces (PID, IPC, network)', checks: ['POD-HOST-PID', 'POD-HOST-IPC', 'POD-HOST-NETWORK', 'POD-SHARE-PID-NS'] },
    { id: 'P6', section: 'Kubernetes Pod security', title: 'No host paths, runtime sockets or node credentials in pods', checks: ['VOL-HOSTPATH', 'VOL-HOSTPATH-WRITABLE', 'VOL-HOSTPATH-SENSITIVE', 'VOL-RUNTIME-SOCKET', 'VOL-CLOUD-CREDS'] },
    { id: 'P7', section: 'Kubernetes Pod security', title: 'Kernel hardening: seccomp, AppArmor, SELinux, sysctls, /proc', checks: ['POD-SECCOMP', 'POD-SECCOMP-UNCONFINED', 'POD-APPARMOR', 'POD-SELINUX', 'POD-SYSCTLS', 'CTR-PROC-MOUNT'] },
    { id: 'P8', section: 'Kubernetes Pod security', title: 'Pod security enforcement (Pod Security Admission on every namespace)', checks: ['PSS-NAMESPACE-NO-ENFORCE'] },
    { id: 'P9', section: 'Kubernetes Pod security', title: 'Protecting Pod service account tokens', checks: ['SA-AUTOMOUNT', 'SA-DEFAULT-USED', 'SA-DEFAULT-OBJ'] },
    { id: 'P10', section: 'Kubernetes Pod security', title: 'Hardening container environments (sandboxed runtimes, user namespaces)', checks: ['POD-HOST-USERS'] },
    { id: 'N1', section: 'Network separation and hardening', title: 'Namespaces separate workloads (not default, not kube-system)', checks: ['META-DEFAULT-NS', 'META-KUBE-SYSTEM'] },
    { id: 'N2', section: 'Network separation and hardening', title: 'Network policies: default deny, every pod selected', checks: ['NET-NS-DEFAULT-DENY', 'NET-NO-NETPOL', 'NET-NETPOL-DANGLING'] },
    { id: 'N3', section: 'Network separation and hardening', title: 'Resource policies (requests and limits)', checks: ['RES-CPU-REQ', 'RES-CPU-LIM', 'RES-MEM-REQ', 'RES-MEM-LIM'] },
    { id: 'N4', section: 'Network separation and hardening', title: 'Control plane hardening', checks: [], manual: CLUSTER },
    { id: 'N5', section: 'Network separation and hardening', title: 'Etcd access and encryption', checks: [], manual: CLUSTER },
    { id: 'N6', section: 'Network separation and hardening', title: 'Kubeconfig files protected', checks: [], manual: CLUSTER },
    { id: 'N7', section: 'Network separation and hardening', title: 'Worker node segmentation', checks: [], manual: CLUSTER },
    { id: 'N8', section: 'Network separation and hardening', title: 'Encryption of traffic (TLS)', checks: ['NET-INGRESS-TLS'] },
    { id: 'N9', section: 'Network separation and hardening', title: 'Secrets kept out of manifests, configuration and environment', checks: ['SEC-ENV-LITERAL', 'SEC-CONFIGMAP', 'SEC-SECRET-DATA', 'SEC-ENV-SECRETREF'] },
    { id: 'N10', section: 'Network separation and hardening', title: 'Protecting sensitive cloud infrastructure (instance metadata)', checks: [], manual: CLUSTER },
    { id: 'A1', section: 'Authentication and authorization', title: 'No anonymous or catch-all grants', checks: ['RBAC-SPECIAL-SUBJECTS'] },
    { id: 'A2', section: 'Authentication and authorization', title: 'Role-based access control: least privilege', checks: ['RBAC-CLUSTER-ADMIN', 'RBAC-WILDCARD', 'RBAC-SECRETS', 'RBAC-CREATE-WORKLOADS', 'RBAC-EXEC-ATTACH', 'RBAC-PORTFORWARD', 'RBAC-NODES-PROXY', 'RBAC-ESCALATION', 'RBAC-WEBHOOKCFG', 'RBAC-CSR-APPROVE', 'RBAC-TOKEN-PV', 'RBAC-DELETE', 'RBAC-CONFIG-NET', 'RBAC-USER-DIRECT', 'WL-SA-POWER'] },
    { id: 'L1', section: 'Audit logging and threat detection', title: 'Audit logging enabled with a policy', checks: [], manual: CLUSTER },
    { id: 'L2', section: 'Audit logging and threat detection', title: 'Threat detection and alerting', checks: [], manual: CLUSTER },
    { id: 'U1', section: 'Upgrading and application security practices', title: 'Current Kubernetes APIs and versions', checks: ['API-DEPRECATED'] },
  ],
};

/**
 * CIS Kubernetes Benchmark v1.10, section 5 (Policies): what manifests decide. Sections 1-4
 * (control plane, etcd, nodes) are listed when checks claim their ids through meta.controls.cis.
 */
const CIS_BENCHMARK: Framework = {
  id: 'cis',
  title: 'CIS Kubernetes Benchmark',
  version: 'v1.10.0, section 5 (Policies)',
  reference: CIS,
  metaKey: 'cis',
  controls: [
    { id: '5.1.1', section: '5.1 RBAC and Service Accounts', title: 'Ensure that the cluster-admin role is only used where required', checks: ['RBAC-CLUSTER-ADMIN'] },
    { id: '5.1.2', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to secrets', checks: ['RBAC-SECRETS'] },
    { id: '5.1.3', section: '5.1 RBAC and Service Accounts', title: 'Minimize wildcard use in Roles and ClusterRoles', checks: ['RBAC-WILDCARD'] },
    { id: '5.1.4', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to create pods', checks: ['RBAC-CREATE-WORKLOADS'] },
    { id: '5.1.5', section: '5.1 RBAC and Service Accounts', title: 'Ensure that default service accounts are not actively used', checks: ['SA-DEFAULT-USED', 'SA-DEFAULT-OBJ'] },
    { id: '5.1.6', section: '5.1 RBAC and Service Accounts', title: 'Ensure that Service Account Tokens are only mounted where necessary', checks: ['SA-AUTOMOUNT'] },
    { id: '5.1.7', section: '5.1 RBAC and Service Accounts', title: 'Avoid use of system:masters group', checks: ['RBAC-SPECIAL-SUBJECTS'] },
    { id: '5.1.8', section: '5.1 RBAC and Service Accounts', title: 'Limit use of the Bind, Impersonate and Escalate permissions', checks: ['RBAC-ESCALATION'] },
    { id: '5.1.9', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to create persistent volumes', checks: ['RBAC-TOKEN-PV'] },
    { id: '5.1.10', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to the proxy sub-resource of nodes', checks: ['RBAC-NODES-PROXY'] },
    { id: '5.1.11', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to the approval sub-resource of certificatesigningrequests', checks: ['RBAC-CSR-APPROVE'] },
    { id: '5.1.12', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to webhook configuration objects', checks: ['RBAC-WEBHOOKCFG'] },
    { id: '5.1.13', section: '5.1 RBAC and Service Accounts', title: 'Minimize access to the service account token creation', checks: ['RBAC-TOKEN-PV'] },
    { id: '5.2.1', section: '5.2 Pod Security Standards', title: 'Ensure that the cluster has at least one active policy control mechanism in place', checks: ['PSS-NAMESPACE-NO-ENFORCE'] },
    { id: '5.2.2', section: '5.2 Pod Security Standards', title: 'Minimize the admission of privileged containers', checks: ['CTR-PRIVILEGED'] },
    { id: '5.2.3', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers wishing to share the host process ID namespace', checks: ['POD-HOST-PID'] },
    { id: '5.2.4', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers wishing to share the host IPC namespace', checks: ['POD-HOST-IPC'] },
    { id: '5.2.5', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers wishing to share the host network namespace', checks: ['POD-HOST-NETWORK'] },
    { id: '5.2.6', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers with allowPrivilegeEscalation', checks: ['CTR-PRIV-ESC'] },
    { id: '5.2.7', section: '5.2 Pod Security Standards', title: 'Minimize the admission of root containers', checks: ['CTR-RUN-AS-NON-ROOT', 'CTR-RUN-AS-UID0'] },
    { id: '5.2.8', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers with the NET_RAW capability', checks: ['CTR-CAPS-DROP-NET-RAW', 'CTR-CAPS-DROP-ALL'] },
    { id: '5.2.9', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers with added capabilities', checks: ['CTR-CAPS-ADD-NONDEFAULT', 'CTR-CAPS-ADD-DANGEROUS'] },
    { id: '5.2.10', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers with capabilities assigned', checks: ['CTR-CAPS-DROP-ALL'] },
    { id: '5.2.11', section: '5.2 Pod Security Standards', title: 'Minimize the admission of Windows HostProcess containers', checks: ['POD-WIN-HOSTPROCESS'] },
    { id: '5.2.12', section: '5.2 Pod Security Standards', title: 'Minimize the admission of HostPath volumes', checks: ['VOL-HOSTPATH'] },
    { id: '5.2.13', section: '5.2 Pod Security Standards', title: 'Minimize the admission of containers which use HostPorts', checks: ['CTR-HOSTPORT'] },
    { id: '5.3.1', section: '5.3 Network Policies and CNI', title: 'Ensure that the CNI in use supports NetworkPolicies', checks: [], manual: CLUSTER },
    { id: '5.3.2', section: '5.3 Network Policies and CNI', title: 'Ensure that all Namespaces have NetworkPolicies defined', checks: ['NET-NS-DEFAULT-DENY', 'NET-NO-NETPOL'] },
    { id: '5.4.1', section: '5.4 Secrets Management', title: 'Prefer using Secrets as files over Secrets as environment variables', checks: ['SEC-ENV-SECRETREF'] },
    { id: '5.4.2', section: '5.4 Secrets Management', title: 'Consider external secret storage', checks: [], manual: 'an organisational choice of secret store: verify it by review' },
    { id: '5.5.1', section: '5.5 Extensible Admission Control', title: 'Configure Image Provenance using ImagePolicyWebhook admission controller', checks: [], manual: CLUSTER },
    { id: '5.7.1', section: '5.7 General Policies', title: 'Create administrative boundaries between resources using namespaces', checks: [], manual: 'how namespaces map to teams and trust boundaries: verify it by review' },
    { id: '5.7.2', section: '5.7 General Policies', title: 'Ensure that the seccomp profile is set to RuntimeDefault in pod definitions', checks: ['POD-SECCOMP', 'POD-SECCOMP-UNCONFINED'] },
    { id: '5.7.3', section: '5.7 General Policies', title: 'Apply SecurityContext to your Pods and Containers', checks: ['CTR-SECCTX-PRESENT'] },
    { id: '5.7.4', section: '5.7 General Policies', title: 'The default namespace should not be used', checks: ['META-DEFAULT-NS'] },
  ],
};

/** The Pod Security Standards controls, assessed by the exact PSS-* checks (scan --pss LEVEL). */
const PSS_BASELINE_CONTROLS: Control[] = [
  { id: 'HostProcess', section: 'Baseline', title: 'Windows HostProcess containers are not allowed', checks: ['PSS-WINDOWS-HOST-PROCESS'] },
  { id: 'Host Namespaces', section: 'Baseline', title: 'Sharing the host namespaces is not allowed', checks: ['PSS-HOST-NAMESPACES'] },
  { id: 'Privileged Containers', section: 'Baseline', title: 'Privileged pods are not allowed', checks: ['PSS-PRIVILEGED'] },
  { id: 'Capabilities', section: 'Baseline', title: 'Capabilities beyond the default set are not allowed', checks: ['PSS-CAPABILITIES-BASELINE'] },
  { id: 'HostPath Volumes', section: 'Baseline', title: 'HostPath volumes are not allowed', checks: ['PSS-HOST-PATH-VOLUMES'] },
  { id: 'Host Ports', section: 'Baseline', title: 'Host ports are not allowed', checks: ['PSS-HOST-PORTS'] },
  { id: 'Host Probes / Lifecycle Hooks', section: 'Baseline', title: 'Probes and lifecycle handlers may not target another host', checks: ['PSS-HOST-PROBES-AND-HOST-LIFECYCLE'] },
  { id: 'AppArmor', section: 'Baseline', title: 'The default AppArmor profile may not be overridden or disabled', checks: ['PSS-APPARMOR-PROFILE'] },
  { id: 'SELinux', section: 'Baseline', title: 'Custom SELinux users or roles, and types outside the container domains, are not allowed', checks: ['PSS-SELINUX-OPTIONS'] },
  { id: '/proc Mount Type', section: 'Baseline', title: 'The default /proc masks are required', checks: ['PSS-PROC-MOUNT'] },
  { id: 'Seccomp', section: 'Baseline', title: 'Seccomp may not be set to Unconfined', checks: ['PSS-SECCOMP-PROFILE-BASELINE'] },
  { id: 'Sysctls', section: 'Baseline', title: 'Only the safe sysctls are allowed', checks: ['PSS-SYSCTLS'] },
];

const PSS_RESTRICTED_CONTROLS: Control[] = [
  { id: 'Volume Types', section: 'Restricted', title: 'Only the restricted volume types are allowed', checks: ['PSS-RESTRICTED-VOLUMES'] },
  { id: 'Privilege Escalation', section: 'Restricted', title: 'Privilege escalation must be disallowed', checks: ['PSS-ALLOW-PRIVILEGE-ESCALATION'] },
  { id: 'Running as Non-root', section: 'Restricted', title: 'Containers must run as non-root users', checks: ['PSS-RUN-AS-NON-ROOT'] },
  { id: 'Running as Non-root user', section: 'Restricted', title: 'runAsUser may not be 0', checks: ['PSS-RUN-AS-USER'] },
  { id: 'Seccomp (restricted)', section: 'Restricted', title: 'Seccomp must be RuntimeDefault or Localhost', checks: ['PSS-SECCOMP-PROFILE-RESTRICTED'] },
  { id: 'Capabilities (restricted)', section: 'Restricted', title: 'Containers must drop ALL and may add only NET_BIND_SERVICE', checks: ['PSS-CAPABILITIES-RESTRICTED'] },
];

export const FRAMEWORKS: Readonly<Record<FrameworkId, Framework>> = {
  'nsa-cisa': NSA,
  cis: CIS_BENCHMARK,
  'pss-baseline': { id: 'pss-baseline', title: 'Pod Security Standards: Baseline', version: 'latest', reference: PSS_BASELINE, pssLevel: 'baseline', controls: PSS_BASELINE_CONTROLS },
  'pss-restricted': {
    id: 'pss-restricted',
    title: 'Pod Security Standards: Restricted',
    version: 'latest',
    reference: PSS_RESTRICTED,
    pssLevel: 'restricted',
    // Restricted includes baseline; its /proc control is checked by the restricted implementation too.
    controls: [
      ...PSS_BASELINE_CONTROLS.map((c) => ({ ...c, checks: c.id === '/proc Mount Type' ? [...c.checks, 'PSS-PROC-MOUNT-RESTRICTED'] : c.checks })),
      ...PSS_RESTRICTED_CONTROLS,
    ],
  },
};
