/**
 * System and vendor RBAC: the bootstrap policy, Kubernetes components and the roles cloud
 * providers and installers add. `rbac unused` leaves them out by default (`--include-system`
 * keeps them): they are used by components on their own schedule or not at all, and flagging
 * them is the noise that made peers' reports unusable (krane#326).
 */
import type { RbacBinding } from '../types.js';

/** Name prefixes of roles and bindings that Kubernetes, kubeadm and managed offerings create. */
export const SYSTEM_PREFIXES: readonly string[] = ['system:', 'kubeadm:', 'eks:', 'gce:', 'gke:', 'aks:', 'cloud-provider:', 'openshift:'];

/** Labels set on objects that the bootstrap policy, the add-on manager or a cloud provider owns. */
const SYSTEM_LABELS: ReadonlyArray<[string, string | undefined]> = [
  ['kubernetes.io/bootstrapping', 'rbac-defaults'],
  ['addonmanager.kubernetes.io/mode', undefined],
  ['eks.amazonaws.com/component', undefined],
  ['components.gke.io/component-name', undefined],
  ['kubernetes.azure.com/managedby', undefined],
];

/** Namespaces where cluster components live: bindings there serve them. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function systemLabels(labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!labels) return false;
  return SYSTEM_LABELS.some(([k, v]) => k in labels && (v === undefined || labels[k] === v));
}

function systemName(name: string): boolean {
  return SYSTEM_PREFIXES.some((p) => name.startsWith(p));
}

/** Why the binding counts as system or vendor RBAC, or undefined. */
export function systemBinding(b: RbacBinding): string | undefined {
  if (b.origin === 'builtin') return 'part of the built-in bootstrap policy';
  if (systemName(b.name)) return `binding name starts with ${SYSTEM_PREFIXES.find((p) => b.name.startsWith(p))}`;
  if (systemName(b.roleRef.name)) return `role name starts with ${SYSTEM_PREFIXES.find((p) => b.roleRef.name.startsWith(p))}`;
  // The binding's labels, not its role's: binding someone to the built-in cluster-admin is not system RBAC.
  if (systemLabels(b.labels)) return 'labelled as bootstrap, add-on or cloud-provider RBAC';
  if (b.namespace && SYSTEM_NAMESPACES.has(b.namespace)) return `RoleBinding in ${b.namespace}`;
  if (b.subjects.length > 0 && b.subjects.every((s) => s.kind === 'ServiceAccount' && SYSTEM_NAMESPACES.has(s.namespace ?? b.namespace ?? ''))) return 'binds only ServiceAccounts of kube-system';
  return undefined;
}
