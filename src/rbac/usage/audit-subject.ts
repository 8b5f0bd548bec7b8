/**
 * Which audit requests belong to the subject a command is about: a User (`--user`), a Group
 * (`--group`: every identity carrying it) or a ServiceAccount (`--serviceaccount NS:NAME`, whose
 * username is system:serviceaccount:NS:NAME). Parsed once at the edge.
 */
import { z } from 'zod';
import { serviceAccountUsername, splitServiceAccountUsername } from '../identity.js';
import type { Subject, UserInfo } from '../types.js';

export type AuditSubject = { kind: 'User'; name: string } | { kind: 'Group'; name: string } | { kind: 'ServiceAccount'; namespace: string; name: string };

const flagsSchema = z.object({ user: z.string().min(1).optional(), group: z.string().min(1).optional(), serviceaccount: z.string().min(1).optional() });

export class SubjectError extends Error {}

export function parseAuditSubject(flags: { user?: string; group?: string; serviceaccount?: string }): AuditSubject {
  const f = flagsSchema.parse(flags);
  const given = [f.user, f.group, f.serviceaccount].filter((x) => x !== undefined);
  if (given.length !== 1) throw new SubjectError('give exactly one of --user USER, --group GROUP or --serviceaccount NAMESPACE:NAME');
  if (f.user !== undefined) {
    // system:serviceaccount:NS:NAME given as a user is that ServiceAccount.
    const sa = splitServiceAccountUsername(f.user);
    return sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: f.user };
  }
  if (f.group !== undefined) return { kind: 'Group', name: f.group };
  const text = f.serviceaccount as string;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)[:/]([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  if (!m) throw new SubjectError(`--serviceaccount "${text}": write NAMESPACE:NAME (e.g. shop:web)`);
  return { kind: 'ServiceAccount', namespace: m[1], name: m[3] };
}

/** The request was made as the subject. */
export function matchesSubject(s: AuditSubject, user: UserInfo): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === serviceAccountUsername(s.namespace, s.name);
  }
}

export function rbacSubject(s: AuditSubject): Subject {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace };
  return { kind: s.kind, name: s.name, apiGroup: 'rbac.authorization.k8s.io' };
}

export function describeAuditSubject(s: AuditSubject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}
