/** Namespaces Kubernetes itself creates and reserves for cluster components. */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
