/**
 * Identities: who a subject is, which users a subject applies to, and the implicit groups the
 * API server adds (ports of `staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go`,
 * `.../group/authenticated_group_adder.go`, the impersonation filter and RBAC `appliesToUser`).
 */
import type { Subject, UserInfo } from './types.js';

export const SA_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const SA_GROUP_PREFIX = 'system:serviceaccounts:';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const SYSTEM_MASTERS = 'system:masters';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_USERNAME_PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${SA_GROUP_PREFIX}${namespace}`];
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * serviceaccount.SplitUsername: `system:serviceaccount:<ns>:<name>` with a valid namespace
 * (DNS label) and name (DNS subdomain); anything else is not a service account username.
 */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SA_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/**
 * The user a request impersonating `as` (with `asGroups`) is evaluated as, exactly like the
 * API server's impersonation filter: a service account username gets the service account
 * groups; `system:authenticated` is added unless `system:(un)authenticated` was requested;
 * `system:anonymous` gets `system:unauthenticated` instead.
 */
export function impersonatedUser(as: string, asGroups: readonly string[] = []): UserInfo {
  const groups: string[] = [];
  const sa = splitServiceAccountUsername(as);
  if (sa) groups.push(...serviceAccountGroups(sa.namespace));
  groups.push(...asGroups);
  if (as !== ANONYMOUS) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return { name: as, groups };
}

/** The identity a ServiceAccount's token authenticates as. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: serviceAccountUsername(namespace, name), groups: [...serviceAccountGroups(namespace), ALL_AUTHENTICATED] };
}

/**
 * The user name a subject matches, or undefined when it can never match a user name
 * (a ServiceAccount subject of a ClusterRoleBinding without a namespace).
 * `bindingNamespace` is '' for ClusterRoleBindings.
 */
export function subjectUsername(subject: Subject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'User') return subject.name;
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace ? subject.namespace : bindingNamespace;
    if (!ns) return undefined;
    return serviceAccountUsername(ns, subject.name);
  }
  return undefined;
}

/** `appliesToUser` from the RBAC authorizer. */
export function subjectAppliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const u = subjectUsername(subject, bindingNamespace);
      return u !== undefined && u === user.name;
    }
    default:
      return false;
  }
}

/** The subject with the namespace it effectively has (ServiceAccounts default to the binding's). */
export function effectiveSubject(subject: Subject, bindingNamespace: string): Subject {
  if (subject.kind === 'ServiceAccount' && !subject.namespace && bindingNamespace) return { ...subject, namespace: bindingNamespace };
  return subject;
}

/** Why a subject can never match anyone, or undefined when it can. */
export function subjectProblem(subject: Subject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'ServiceAccount' && !subject.namespace && !bindingNamespace)
    return 'ServiceAccount subject of a ClusterRoleBinding has no namespace: it never matches';
  if (subject.kind !== 'User' && subject.kind !== 'Group' && subject.kind !== 'ServiceAccount')
    return `subject kind "${subject.kind}" is not User, Group or ServiceAccount: it never matches`;
  return undefined;
}

export function subjectKey(s: Subject): string {
  return `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
}

/**
 * Parses a subject as users write it: `User:alice`, `Group:devs`, `ServiceAccount:ns:name`,
 * `ServiceAccount:ns/name`, `system:serviceaccount:ns:name`, `sa:ns/name`. A bare name is a User.
 */
export function parseSubject(text: string): Subject {
  const saUser = splitServiceAccountUsername(text);
  if (saUser) return { kind: 'ServiceAccount', namespace: saUser.namespace, name: saUser.name };
  const m = /^([A-Za-z]+):(.*)$/.exec(text);
  if (m) {
    const kind = normaliseKind(m[1]);
    if (kind === 'ServiceAccount') {
      const rest = m[2];
      const sep = rest.includes('/') ? rest.indexOf('/') : rest.indexOf(':');
      if (sep > 0) return { kind, namespace: rest.slice(0, sep), name: rest.slice(sep + 1) };
      return { kind, name: rest };
    }
    if (kind) return { kind, name: m[2] };
  }
  return { kind: 'User', name: text };
}

function normaliseKind(k: string): 'User' | 'Group' | 'ServiceAccount' | undefined {
  switch (k.toLowerCase()) {
    case 'user':
    case 'u':
      return 'User';
    case 'group':
    case 'g':
      return 'Group';
    case 'serviceaccount':
    case 'sa':
      return 'ServiceAccount';
    default:
      return undefined;
  }
}
