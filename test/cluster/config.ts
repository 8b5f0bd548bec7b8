// Pure generators for the files the control plane reads: the static token file,
// kubeconfigs and the audit policy. Kept free of I/O so unit tests cover them.
import { randomBytes } from 'node:crypto';

export interface UserSpec {
  /** Key in Cluster.identities. */
  name: string;
  /** Username the apiserver sees; defaults to `name`. */
  user?: string;
  groups?: string[];
}

export interface TokenUser {
  name: string;
  user: string;
  uid: string;
  groups: string[];
  token: string;
}

/** The identities every cluster has; tests build RBAC scenarios on these. */
export const defaultUsers: readonly UserSpec[] = [
  { name: 'admin', user: 'kubeharden-admin', groups: ['system:masters'] },
  { name: 'alice', groups: ['dev-team'] },
  { name: 'bob', groups: ['ops-team'] },
  { name: 'carol', groups: [] },
];

/**
 * The controller-manager's own identity. The bootstrap RBAC policy already binds
 * `system:kube-controller-manager`; each controller then acts as its own
 * ServiceAccount (--use-service-account-credentials), as on a real cluster.
 */
export const controllerManagerUser: UserSpec = { name: 'kube-controller-manager', user: 'system:kube-controller-manager', groups: [] };

const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function makeTokenUsers(specs: readonly UserSpec[], token: () => string = () => randomBytes(24).toString('hex')): TokenUser[] {
  const seen = new Set<string>();
  return specs.map((s, i) => {
    if (!namePattern.test(s.name)) throw new Error(`identity name ${JSON.stringify(s.name)} must be a DNS label`);
    if (seen.has(s.name)) throw new Error(`duplicate identity ${s.name}`);
    seen.add(s.name);
    const user = s.user ?? s.name;
    const groups = s.groups ?? [];
    // The token file is CSV with the group list as one quoted field: forbid what would break it.
    for (const v of [user, ...groups]) {
      if (v === '' || /[",\n\r]/.test(v)) throw new Error(`invalid user or group ${JSON.stringify(v)} for ${s.name}`);
    }
    return { name: s.name, user, uid: `uid-${i}-${s.name}`, groups, token: token() };
  });
}

/** --token-auth-file format: token,user,uid,"group1,group2" */
export function tokenFile(users: readonly TokenUser[]): string {
  return users.map((u) => `${u.token},${u.user},${u.uid}${u.groups.length ? `,"${u.groups.join(',')}"` : ''}`).join('\n') + '\n';
}

/** A kubeconfig for one token identity. JSON is valid YAML and needs no escaping rules. */
export function kubeconfig(server: string, caFile: string, name: string, token: string): string {
  return (
    JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'kubeharden-test', cluster: { server, 'certificate-authority': caFile } }],
        users: [{ name, user: { token } }],
        contexts: [{ name, context: { cluster: 'kubeharden-test', user: name, namespace: 'default' } }],
        'current-context': name,
        preferences: {},
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * Audit policy: every request at Metadata level (who, verb, resource, response code),
 * RBAC and admission-configuration writes with their bodies so tests can see what
 * was changed, and nothing for the noisy read-only health and lease traffic.
 */
export function auditPolicy(): string {
  return JSON.stringify(
    {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [
        { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version'] },
        { level: 'None', verbs: ['get', 'update'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
        {
          level: 'RequestResponse',
          verbs: ['create', 'update', 'patch', 'delete'],
          resources: [
            { group: 'rbac.authorization.k8s.io' },
            { group: 'admissionregistration.k8s.io' },
          ],
        },
        { level: 'Metadata' },
      ],
    },
    null,
    2,
  ) + '\n';
}
