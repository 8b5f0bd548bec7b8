/** Metadata of the PSS-* checks: one per upstream Pod Security Admission check id. */
import type { CheckMeta, PeerIds, Reference, Severity } from '../../engine/types.js';
import type { PssCheckId } from '../../pss/index.js';
import { LINUX_KERNEL_HARDENING, PSS, PSS_BASELINE, PSS_RESTRICTED, SECCOMP, SECURITY_CONTEXT } from '../_lib/references.js';

export const PSA: Reference = { title: 'Pod Security Admission', url: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/' };
export const PSA_SOURCE: Reference = { title: 'k8s.io/pod-security-admission policy checks (source)', url: 'https://github.com/kubernetes/pod-security-admission/tree/master/policy' };
const VOLUMES: Reference = { title: 'Kubernetes Volumes', url: 'https://kubernetes.io/docs/concepts/storage/volumes/' };
const SYSCTLS: Reference = { title: 'Using sysctls in a Kubernetes Cluster', url: 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/' };
const APPARMOR: Reference = { title: 'Restrict a Container\'s Access to Resources with AppArmor', url: 'https://kubernetes.io/docs/tutorials/security/apparmor/' };
const USER_NAMESPACES: Reference = { title: 'User Namespaces', url: 'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/' };
const WINDOWS_HOSTPROCESS: Reference = { title: 'Create a Windows HostProcess Pod', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/' };
const PROBES: Reference = { title: 'Configure Liveness, Readiness and Startup Probes', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/' };

export interface PssCheckSpec {
  checkId: PssCheckId;
  /** The check's id, in the case style of every other id. `PSS-<checkId>` stays accepted as a former id. */
  id: string;
  level: 'baseline' | 'restricted';
  title: string;
  severity: Severity;
  attack: string;
  remediation: string;
  /** One sentence appended to each finding's message. */
  fix: string;
  references: Reference[];
  peers: PeerIds;
}

export const PSS_CHECK_SPECS: readonly PssCheckSpec[] = [
  {
    checkId: 'hostNamespaces',
    id: 'PSS-HOST-NAMESPACES',
    level: 'baseline',
    title: 'Pod shares a host namespace (Pod Security Standards: host namespaces)',
    severity: 'high',
    attack: 'hostNetwork puts the pod on the node\'s network stack (node-local services, sniffing, bypassing NetworkPolicy); hostPID lets it see and signal every process on the node; hostIPC exposes the host\'s shared memory.',
    remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false). Expose ports through a Service instead of the host network.',
    fix: 'Fix: remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false).',
    references: [PSS_BASELINE, PSA, PSA_SOURCE],
    peers: { checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'], kubeLinter: ['host-network', 'host-pid', 'host-ipc'], polaris: ['hostNetworkSet', 'hostPIDSet', 'hostIPCSet'], kubesec: ['HostNetwork', 'HostPID', 'HostIPC'], trivy: ['KSV008', 'KSV009', 'KSV010'], kubescape: ['C-0041', 'C-0038'] },
  },
  {
    checkId: 'privileged',
    id: 'PSS-PRIVILEGED',
    level: 'baseline',
    title: 'Privileged container (Pod Security Standards: privileged)',
    severity: 'critical',
    attack: 'A privileged container has every capability and all host devices: escaping to the node is a one-liner (mount the host disk, load a kernel module), and from the node the whole cluster.',
    remediation: 'Remove securityContext.privileged (or set it to false) and grant only the specific capabilities the process needs.',
    fix: 'Fix: remove securityContext.privileged or set it to false in those containers.',
    references: [PSS_BASELINE, PSA, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_16'], kubeLinter: ['privileged-container'], kubeScore: ['container-security-context-privileged'], polaris: ['runAsPrivileged'], kubesec: ['Privileged'], trivy: ['KSV017'], kubescape: ['C-0057'] },
  },
  {
    checkId: 'capabilities_baseline',
    id: 'PSS-CAPABILITIES-BASELINE',
    level: 'baseline',
    title: 'Container adds capabilities beyond the default set (Pod Security Standards: capabilities)',
    severity: 'medium',
    attack: 'Capabilities beyond the runtime default set (NET_RAW, SYS_ADMIN, SYS_PTRACE, NET_ADMIN…) give root in the container kernel powers such as packet spoofing, mounting filesystems or tracing other processes, the usual first steps of a container escape.',
    remediation: 'Remove every capability outside AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT from securityContext.capabilities.add (names are case-sensitive, without the CAP_ prefix).',
    fix: 'Fix: remove those capabilities from securityContext.capabilities.add.',
    references: [PSS_BASELINE, PSA, LINUX_KERNEL_HARDENING],
    peers: { checkov: ['CKV_K8S_25'], trivy: ['KSV022'], kubescape: ['C-0200', 'C-0219'] },
  },
  {
    checkId: 'hostPathVolumes',
    id: 'PSS-HOST-PATH-VOLUMES',
    level: 'baseline',
    title: 'Pod mounts a hostPath volume (Pod Security Standards: HostPath volumes)',
    severity: 'medium',
    attack: 'A hostPath volume exposes the node\'s filesystem to the pod: with the container runtime socket, /etc, /var/lib/kubelet or / an attacker in the container controls the node.',
    remediation: 'Replace hostPath volumes with configMap, secret, emptyDir, a PersistentVolumeClaim or a CSI volume. Node agents that truly need host files belong in a namespace with a privileged policy.',
    fix: 'Fix: replace those hostPath volumes with emptyDir, configMap, secret, a PersistentVolumeClaim or CSI.',
    references: [PSS_BASELINE, PSA, VOLUMES],
    peers: { polaris: ['hostPathSet'], trivy: ['KSV023'], kubescape: ['C-0048'] },
  },
  {
    checkId: 'hostPorts',
    id: 'PSS-HOST-PORTS',
    level: 'baseline',
    title: 'Container uses a hostPort (Pod Security Standards: host ports)',
    severity: 'medium',
    attack: 'A hostPort binds a port on the node\'s IP, bypassing Services and NetworkPolicy on many CNIs and exposing the pod on every address of the node; it also lets a pod squat ports other workloads expect.',
    remediation: 'Remove ports[*].hostPort (and spec.hostNetwork, which defaults hostPort to containerPort) and expose the port through a Service (NodePort or LoadBalancer when it must be reachable from outside).',
    fix: 'Fix: remove hostPort from those ports (with hostNetwork, remove hostNetwork) and use a Service.',
    references: [PSS_BASELINE, PSA],
    peers: { checkov: ['CKV_K8S_26'], polaris: ['hostPortSet'], trivy: ['KSV024'], kubescape: ['C-0044'] },
  },
  {
    checkId: 'hostProbesAndHostLifecycle',
    id: 'PSS-HOST-PROBES-AND-HOST-LIFECYCLE',
    level: 'baseline',
    title: 'Probe or lifecycle handler sets a host (Pod Security Standards: host probes / lifecycle hooks)',
    severity: 'medium',
    attack: 'The kubelet runs httpGet and tcpSocket probes and lifecycle handlers from the node, so a host field makes it connect wherever the manifest says: node-local services, the cloud metadata endpoint or other internal addresses (server-side request forgery from the node).',
    remediation: 'Remove httpGet.host and tcpSocket.host from liveness, readiness and startup probes and from postStart/preStop handlers, so the kubelet targets the pod\'s own IP; send a virtual-host name with an httpHeaders "Host" entry instead.',
    fix: 'Fix: remove host from those probes and lifecycle handlers (use an httpHeaders "Host" entry for a virtual host).',
    references: [PSS_BASELINE, PSA, PROBES],
    peers: {},
  },
  {
    checkId: 'appArmorProfile',
    id: 'PSS-APPARMOR-PROFILE',
    level: 'baseline',
    title: 'AppArmor profile disabled or unknown (Pod Security Standards: AppArmor)',
    severity: 'medium',
    attack: 'Setting the AppArmor profile to Unconfined (or an unknown value) removes the runtime\'s default mandatory-access-control confinement, which blocks many container-escape techniques such as writing to /proc and /sys or mounting filesystems.',
    remediation: 'Use securityContext.appArmorProfile.type RuntimeDefault or Localhost (pod or container), or the deprecated annotation values runtime/default or localhost/<profile>; never Unconfined.',
    fix: 'Fix: set the AppArmor profile to RuntimeDefault (annotation: runtime/default) or a Localhost profile.',
    references: [PSS_BASELINE, PSA, APPARMOR],
    peers: { kubesec: ['ApparmorAny'], trivy: ['KSV002'], kubescape: ['C-0055'] },
  },
  {
    checkId: 'seLinuxOptions',
    id: 'PSS-SELINUX-OPTIONS',
    level: 'baseline',
    title: 'Custom SELinux user, role or type (Pod Security Standards: SELinux)',
    severity: 'medium',
    attack: 'Setting an SELinux type other than the container types, or any user or role, can run the container in an unconfined or host-level SELinux domain and lift the label-based isolation between containers and the node.',
    remediation: 'Leave seLinuxOptions.user and role unset and use only the types container_t, container_init_t, container_kvm_t (or container_engine_t from v1.31), or no type at all.',
    fix: 'Fix: remove seLinuxOptions.user and role and use an allowed type (container_t, container_init_t, container_kvm_t, container_engine_t).',
    references: [PSS_BASELINE, PSA, SECURITY_CONTEXT],
    peers: { trivy: ['KSV025'] },
  },
  {
    checkId: 'procMount',
    id: 'PSS-PROC-MOUNT',
    level: 'baseline',
    title: 'Container unmasks /proc (Pod Security Standards: /proc mount type)',
    severity: 'medium',
    attack: 'procMount Unmasked removes the default masks over sensitive /proc paths (kcore, sysrq-trigger, keys…), exposing kernel information and interfaces that help an attacker escape; only safe inside a user namespace.',
    remediation: 'Remove securityContext.procMount or set it to Default. (Baseline allows Unmasked from v1.35 when spec.hostUsers is false, i.e. in a user namespace; restricted never does.)',
    fix: 'Fix: remove securityContext.procMount or set it to Default.',
    references: [PSS_BASELINE, PSA, USER_NAMESPACES],
    peers: { kubeLinter: ['unsafe-proc-mount'], polaris: ['procMount'], trivy: ['KSV027'] },
  },
  {
    checkId: 'seccompProfile_baseline',
    id: 'PSS-SECCOMP-PROFILE-BASELINE',
    level: 'baseline',
    title: 'Seccomp explicitly disabled (Pod Security Standards: seccomp)',
    severity: 'high',
    attack: 'An Unconfined seccomp profile gives the container the whole kernel system-call surface, including the rarely used calls behind most kernel privilege-escalation exploits.',
    remediation: 'Set seccompProfile.type to RuntimeDefault or Localhost (pod or container), or use the annotation values runtime/default, docker/default or localhost/<profile> for policy versions before v1.19; never Unconfined.',
    fix: 'Fix: set seccompProfile.type to RuntimeDefault (or a Localhost profile) instead.',
    references: [PSS_BASELINE, PSA, SECCOMP],
    peers: { kubesec: ['SeccompUnconfined'], trivy: ['KSV104'] },
  },
  {
    checkId: 'sysctls',
    id: 'PSS-SYSCTLS',
    level: 'baseline',
    title: 'Unsafe sysctl (Pod Security Standards: sysctls)',
    severity: 'medium',
    attack: 'Sysctls outside the namespaced safe set change kernel settings that are shared with, or can starve, the node and its other pods (memory, IPC and network limits), or weaken kernel protections.',
    remediation: 'Only set sysctls from the safe set of your policy version (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start; later versions add more); set others on the nodes instead.',
    fix: 'Fix: remove those sysctls from spec.securityContext.sysctls.',
    references: [PSS_BASELINE, PSA, SYSCTLS],
    peers: { kubeLinter: ['unsafe-sysctls'], trivy: ['KSV026'] },
  },
  {
    checkId: 'windowsHostProcess',
    id: 'PSS-WINDOWS-HOST-PROCESS',
    level: 'baseline',
    title: 'Windows HostProcess container (Pod Security Standards: HostProcess)',
    severity: 'high',
    attack: 'A Windows HostProcess container runs directly on the node as a host process with access to the host network and filesystem: it is the Windows equivalent of a privileged container.',
    remediation: 'Remove windowsOptions.hostProcess (or set it to false) on the pod and its containers; run node agents that need it in a namespace with a privileged policy.',
    fix: 'Fix: remove securityContext.windowsOptions.hostProcess or set it to false.',
    references: [PSS_BASELINE, PSA, WINDOWS_HOSTPROCESS],
    peers: { polaris: ['hostProcess'], trivy: ['KSV103'], kubescape: ['C-0202'] },
  },
  {
    checkId: 'allowPrivilegeEscalation',
    id: 'PSS-ALLOW-PRIVILEGE-ESCALATION',
    level: 'restricted',
    title: 'Privilege escalation not disabled (Pod Security Standards: privilege escalation)',
    severity: 'high',
    attack: 'Unless allowPrivilegeEscalation is false (no_new_privs), a process in the container can gain privileges through setuid/setgid binaries or file capabilities, turning a foothold as a normal user into root.',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false explicitly in every container, init container and ephemeral container (unset does not count). Windows pods are exempt from v1.25.',
    fix: 'Fix: set securityContext.allowPrivilegeEscalation: false in those containers.',
    references: [PSS_RESTRICTED, PSA, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_20'], kubeLinter: ['privilege-escalation-container'], polaris: ['privilegeEscalationAllowed'], kubesec: ['AllowPrivilegeEscalation'], trivy: ['KSV001'], kubescape: ['C-0016'] },
  },
  {
    checkId: 'capabilities_restricted',
    id: 'PSS-CAPABILITIES-RESTRICTED',
    level: 'restricted',
    title: 'Capabilities not dropped (Pod Security Standards: restricted capabilities)',
    severity: 'medium',
    attack: 'Containers keep the runtime\'s default capabilities (NET_RAW, CHOWN, DAC_OVERRIDE, SETUID…) unless they drop them; NET_RAW alone enables ARP and DNS spoofing inside the pod network.',
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] (exactly "ALL") in every container and add back only NET_BIND_SERVICE if the process binds a port below 1024. Windows pods are exempt from v1.25.',
    fix: 'Fix: set securityContext.capabilities.drop: ["ALL"] and add nothing but NET_BIND_SERVICE.',
    references: [PSS_RESTRICTED, PSA, LINUX_KERNEL_HARDENING],
    peers: { checkov: ['CKV_K8S_37', 'CKV_K8S_28'], polaris: ['insecureCapabilities'], kubesec: ['CapDropAll'], trivy: ['KSV106', 'KSV003'], kubescape: ['C-0201'] },
  },
  {
    checkId: 'restrictedVolumes',
    id: 'PSS-RESTRICTED-VOLUMES',
    level: 'restricted',
    title: 'Volume type outside the restricted set (Pod Security Standards: volume types)',
    severity: 'low',
    attack: 'Volume types other than configMap, secret, emptyDir, projected, downwardAPI, PVC, CSI, ephemeral and image mount host paths or network storage directly from the pod spec, bypassing the storage administrator\'s PersistentVolume controls.',
    remediation: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes; move network storage behind a PersistentVolume and claim it.',
    fix: 'Fix: replace those volumes with an allowed type (for network storage: a PersistentVolume and a persistentVolumeClaim volume).',
    references: [PSS_RESTRICTED, PSA, VOLUMES],
    peers: { trivy: ['KSV028'] },
  },
  {
    checkId: 'runAsNonRoot',
    id: 'PSS-RUN-AS-NON-ROOT',
    level: 'restricted',
    title: 'Containers may run as root (Pod Security Standards: running as non-root)',
    severity: 'high',
    attack: 'A container that may run as UID 0 is root inside the container and, on a kernel or runtime bug, root on the node; runAsNonRoot makes the kubelet refuse to start a container whose user is root.',
    remediation: 'Set securityContext.runAsNonRoot: true on the pod (or on every container), never false, and give the image a numeric non-root USER or set runAsUser.',
    fix: 'Fix: set spec.securityContext.runAsNonRoot: true (and never false on a container).',
    references: [PSS_RESTRICTED, PSA, SECURITY_CONTEXT],
    peers: { checkov: ['CKV_K8S_23'], kubeLinter: ['run-as-non-root'], polaris: ['runAsRootAllowed'], kubesec: ['RunAsNonRoot'], trivy: ['KSV012'], kubescape: ['C-0013'] },
  },
  {
    checkId: 'runAsUser',
    id: 'PSS-RUN-AS-USER',
    level: 'restricted',
    title: 'Pod or container runs as UID 0 (Pod Security Standards: running as non-root user)',
    severity: 'high',
    attack: 'runAsUser: 0 runs the process as root, defeating runAsNonRoot and giving the process root\'s privileges over files and the kernel interfaces the container can reach.',
    remediation: 'Remove runAsUser: 0 from the pod and containers and set a non-zero UID (for example 10001) that the image supports.',
    fix: 'Fix: set runAsUser to a non-zero UID (for example 10001).',
    references: [PSS_RESTRICTED, PSA, SECURITY_CONTEXT],
    peers: { trivy: ['KSV105'], kubescape: ['C-0198', 'C-0218'] },
  },
  {
    checkId: 'seccompProfile_restricted',
    id: 'PSS-SECCOMP-PROFILE-RESTRICTED',
    level: 'restricted',
    title: 'Seccomp profile not set (Pod Security Standards: seccomp)',
    severity: 'medium',
    attack: 'Without a seccomp profile the container can call every system call, including the rarely used ones behind most kernel privilege-escalation exploits; RuntimeDefault blocks them at no cost for almost all applications.',
    remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a profile) on the pod, or on every container; never Unconfined. Windows pods are exempt from v1.25.',
    fix: 'Fix: set spec.securityContext.seccompProfile.type: RuntimeDefault.',
    references: [PSS_RESTRICTED, PSA, SECCOMP],
    peers: { checkov: ['CKV_K8S_31'], kubeScore: ['container-seccomp-profile'], kubesec: ['SeccompAny'], trivy: ['KSV030'], kubescape: ['C-0210', 'C-0055'] },
  },
  {
    checkId: 'procMount_restricted',
    id: 'PSS-PROC-MOUNT-RESTRICTED',
    level: 'restricted',
    title: 'Container unmasks /proc (Pod Security Standards restricted: /proc mount type)',
    severity: 'medium',
    attack: 'procMount Unmasked removes the default masks over sensitive /proc paths (kcore, sysrq-trigger, keys…); the restricted level forbids it even inside a user namespace.',
    remediation: 'Remove securityContext.procMount or set it to Default.',
    fix: 'Fix: remove securityContext.procMount or set it to Default.',
    references: [PSS_RESTRICTED, PSA, USER_NAMESPACES],
    peers: { kubeLinter: ['unsafe-proc-mount'], polaris: ['procMount'], trivy: ['KSV027'] },
  },
];

export function pssCheckMeta(spec: PssCheckSpec): CheckMeta {
  return {
    id: spec.id,
    aliases: [`PSS-${spec.checkId}`],
    title: spec.title,
    severity: spec.severity,
    category: 'pod-security',
    attack: spec.attack,
    remediation: `${spec.remediation} Reported when \`scan --pss\` asks for a Pod Security level, or when a scanned Namespace carries pod-security.kubernetes.io labels.`,
    references: spec.references.includes(PSS) ? spec.references : [...spec.references, PSS],
    peers: spec.peers,
    pss: spec.level,
  };
}
