/**
 * The `authorization.k8s.io/reason` audit annotation of a request RBAC allowed names the binding
 * that allowed it (RBAC's own reason string, see authorizer.ts grantReason):
 *   RBAC: allowed by ClusterRoleBinding "NAME" of ClusterRole "ROLE" to User "alice"
 *   RBAC: allowed by RoleBinding "NAME/NAMESPACE" of Role "ROLE" to ServiceAccount "sa/ns"
 * Binding names cannot contain '/' (path segment names), so the last '/' splits NAME/NAMESPACE.
 */
export interface ReasonBinding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string;
  roleKind: string;
  roleName: string;
  subjectKind: string;
  subjectName: string;
}

const REASON = /^RBAC: allowed by (ClusterRoleBinding|RoleBinding) "(.*)" of (ClusterRole|Role) "(.*)" to (User|Group|ServiceAccount) "(.*)"$/;

export function parseRbacReason(reason: string): ReasonBinding | undefined {
  if (!reason.startsWith('RBAC: allowed by ')) return undefined;
  const m = REASON.exec(reason);
  if (!m) return undefined;
  let name = m[2];
  let namespace = '';
  if (m[1] === 'RoleBinding') {
    const slash = name.lastIndexOf('/');
    if (slash < 0) return undefined;
    namespace = name.slice(slash + 1);
    name = name.slice(0, slash);
    if (name.includes('/')) return undefined;
  }
  return { kind: m[1] as ReasonBinding['kind'], name, namespace, roleKind: m[3], roleName: m[4], subjectKind: m[5], subjectName: m[6] };
}
