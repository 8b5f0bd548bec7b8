/** Sources the checks cite. One place, so every check links the same documents. */
import type { Reference } from '../../engine/types.js';

export const NSA_CISA: Reference = {
  title: 'NSA/CISA Kubernetes Hardening Guide v1.2',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
};
export const PSS: Reference = { title: 'Kubernetes Pod Security Standards', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' };
export const PSS_BASELINE: Reference = { title: 'Pod Security Standards: Baseline', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline' };
export const PSS_RESTRICTED: Reference = { title: 'Pod Security Standards: Restricted', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted' };
export const SECURITY_CONTEXT: Reference = { title: 'Configure a Security Context for a Pod or Container', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/' };
export const CIS: Reference = { title: 'CIS Kubernetes Benchmark, section 5 (Policies)', url: 'https://www.cisecurity.org/benchmark/kubernetes' };
export const RBAC_GOOD_PRACTICES: Reference = { title: 'Kubernetes RBAC Good Practices', url: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/' };
export const SECCOMP: Reference = { title: 'Restrict a Container\'s Syscalls with seccomp', url: 'https://kubernetes.io/docs/tutorials/security/seccomp/' };
export const IMAGES: Reference = { title: 'Kubernetes Images: image names, tags and digests', url: 'https://kubernetes.io/docs/concepts/containers/images/' };
export const LINUX_KERNEL_HARDENING: Reference = { title: 'Linux kernel security constraints for Pods and containers', url: 'https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/' };
export const NETWORK_POLICIES: Reference = { title: 'Kubernetes Network Policies', url: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/' };
export const SERVICE_ACCOUNTS: Reference = { title: 'Configure Service Accounts for Pods', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/' };
export const SECRETS_GOOD_PRACTICES: Reference = { title: 'Good practices for Kubernetes Secrets', url: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/' };
export const RESOURCES: Reference = { title: 'Resource Management for Pods and Containers', url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/' };
export const DEPRECATION_GUIDE: Reference = { title: 'Kubernetes Deprecated API Migration Guide', url: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/' };
export const K8S_REGISTRY: Reference = { title: 'registry.k8s.io replaces k8s.gcr.io (image registry freeze)', url: 'https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/' };
export const SLSA_PINNING: Reference = { title: 'Kubernetes image pull policy and digests', url: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy' };
export const INGRESS_NGINX_RETIREMENT: Reference = { title: 'Ingress NGINX retirement (Kubernetes blog, November 2025)', url: 'https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/' };
export const CVE_2025_1974: Reference = { title: 'CVE-2025-1974: ingress-nginx admission controller RCE (IngressNightmare)', url: 'https://github.com/kubernetes/kubernetes/issues/131009' };
export const CVE_2021_25742: Reference = { title: 'CVE-2021-25742: ingress-nginx custom snippets allow retrieval of all secrets', url: 'https://github.com/kubernetes/ingress-nginx/issues/7837' };
export const CVE_2020_8554: Reference = { title: 'CVE-2020-8554: man in the middle using LoadBalancer or ExternalIPs', url: 'https://github.com/kubernetes/kubernetes/issues/97076' };
export const GIT_SYNC_INJECTION: Reference = { title: 'git-sync command injection through GITSYNC_GIT (Akamai, DEF CON 2024)', url: 'https://www.akamai.com/blog/security-research/2024-august-kubernetes-gitsync-command-injection-defcon' };
export const SA_TOKENS: Reference = { title: 'Managing Service Accounts: bound service account tokens', url: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/' };
export const INGRESS_TLS: Reference = { title: 'Ingress: TLS', url: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls' };
export const SERVICE_TYPES: Reference = { title: 'Service types (NodePort, LoadBalancer, ExternalIPs)', url: 'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types' };
export const NAMESPACES: Reference = { title: 'Kubernetes Namespaces', url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/' };
export const ENCRYPT_SECRETS: Reference = { title: 'Secrets: information security and good practices', url: 'https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets' };
export const PSA_MIGRATION: Reference = { title: 'Migrate from PodSecurityPolicy to the built-in PodSecurity admission controller', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/' };
export const WINDOWS_HOSTPROCESS: Reference = { title: 'Create a Windows HostProcess Pod', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/' };
export const USER_NAMESPACES: Reference = { title: 'User Namespaces', url: 'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/' };
export const HOST_ALIASES: Reference = { title: 'Adding entries to Pod /etc/hosts with HostAliases', url: 'https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/' };
export const SYSCTLS: Reference = { title: 'Using sysctls in a Kubernetes Cluster', url: 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/' };
export const SHARE_PROCESS_NAMESPACE: Reference = { title: 'Share Process Namespace between Containers in a Pod', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/' };
export const PROBES: Reference = { title: 'Configure Liveness, Readiness and Startup Probes', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/' };
export const CAPABILITIES_MAN: Reference = { title: 'capabilities(7), Linux manual page', url: 'https://man7.org/linux/man-pages/man7/capabilities.7.html' };
export const APPARMOR: Reference = { title: 'Restrict a Container\'s Access to Resources with AppArmor', url: 'https://kubernetes.io/docs/tutorials/security/apparmor/' };
export const SELINUX: Reference = { title: 'Assign SELinux labels to a Container', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container' };
export const HOSTPATH: Reference = { title: 'Volumes: hostPath (and its security warnings)', url: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath' };
export const LOG_MOUNT_ESCAPE: Reference = { title: 'Kubernetes Pod Escape Using Log Mounts (Aqua Security)', url: 'https://www.aquasec.com/blog/kubernetes-security-pod-escape-log-mounts/' };
export const MOUNT_SERVICE_PRINCIPAL: Reference = { title: 'Threat Matrix for Kubernetes: Mount service principal', url: 'https://microsoft.github.io/Threat-Matrix-for-Kubernetes/techniques/Mount%20service%20principal/' };
export const LIMIT_RANGES: Reference = { title: 'Limit Ranges', url: 'https://kubernetes.io/docs/concepts/policy/limit-range/' };
export const EPHEMERAL_STORAGE: Reference = { title: 'Local ephemeral storage', url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage' };
export const FSGROUP_POLICY: Reference = { title: 'Configure volume permission and ownership change policy for Pods', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods' };
export const CONFIG_BEST_PRACTICES: Reference = { title: 'Configuration Best Practices (hostPort, hostNetwork)', url: 'https://kubernetes.io/docs/concepts/configuration/overview/' };
