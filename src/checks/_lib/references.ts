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
export const SECURITY_CHECKLIST: Reference = { title: 'Kubernetes Security Checklist', url: 'https://kubernetes.io/docs/concepts/security/security-checklist/' };
export const SECCOMP: Reference = { title: 'Restrict a Container\'s Syscalls with seccomp', url: 'https://kubernetes.io/docs/tutorials/security/seccomp/' };
export const IMAGES: Reference = { title: 'Kubernetes Images: image names, tags and digests', url: 'https://kubernetes.io/docs/concepts/containers/images/' };
export const LINUX_KERNEL_HARDENING: Reference = { title: 'Linux kernel security constraints for Pods and containers', url: 'https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/' };
export const NETWORK_POLICIES: Reference = { title: 'Kubernetes Network Policies', url: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/' };
export const SERVICE_ACCOUNTS: Reference = { title: 'Configure Service Accounts for Pods', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/' };
export const SECRETS_GOOD_PRACTICES: Reference = { title: 'Good practices for Kubernetes Secrets', url: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/' };
export const RESOURCES: Reference = { title: 'Resource Management for Pods and Containers', url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/' };
export const DEPRECATION_GUIDE: Reference = { title: 'Kubernetes Deprecated API Migration Guide', url: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/' };
