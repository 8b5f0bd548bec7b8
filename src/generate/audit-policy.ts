/**
 * An API server audit policy after the NSA/CISA Kubernetes Hardening Guide (v1.2, "Audit
 * logging" and appendix L): log every request, with full bodies for the changes that matter to
 * security, and never more than Metadata for anything that carries secrets (the audit log
 * would otherwise become the easiest place to steal them). Rules are evaluated in order and the
 * first match decides, so the secret rule comes first.
 */
import type { Generated } from './emit.js';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

export interface AuditRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: Array<{ group: string; resources?: string[] }>;
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
}

const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ = ['get', 'list', 'watch'];

/** API groups whose objects hold no secrets and whose changes are worth their full bodies. */
const SECURITY_GROUPS = [
  { group: 'rbac.authorization.k8s.io' },
  { group: 'admissionregistration.k8s.io' },
  { group: 'networking.k8s.io' },
  { group: 'policy' },
  { group: 'certificates.k8s.io' },
  { group: 'apiextensions.k8s.io' },
];

/** Core and workload groups: their writes are logged with the request body. */
const WORKLOAD_GROUPS = [
  { group: '' },
  { group: 'apps' },
  { group: 'batch' },
  { group: 'autoscaling' },
  { group: 'storage.k8s.io' },
  { group: 'scheduling.k8s.io' },
  { group: 'node.k8s.io' },
  { group: 'discovery.k8s.io' },
];

export function auditRules(): AuditRule[] {
  return [
    // 1. Secrets and whatever may hold or return credentials: never the bodies.
    {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
    // 2. Interactive access to containers and nodes: who, where and the command (in the URL).
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy'] }] },
    // 3. High-volume, low-value traffic.
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/openapi/*'] },
    { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
    { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }, { group: 'discovery.k8s.io', resources: ['endpointslices'] }] },
    { level: 'None', userGroups: ['system:nodes'], verbs: ['get', 'update', 'patch'], resources: [{ group: '', resources: ['nodes/status'] }, { group: 'coordination.k8s.io', resources: ['leases'] }] },
    { level: 'None', users: ['system:kube-controller-manager', 'system:kube-scheduler'], verbs: ['get', 'update'], namespaces: ['kube-system'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
    // 4. Changes to access control, admission, network policy, certificates, CRDs: full bodies.
    { level: 'RequestResponse', verbs: WRITE, resources: SECURITY_GROUPS },
    // 5. Reads: who looked at what (responses are large and mostly noise).
    { level: 'Metadata', verbs: READ },
    // 6. Other changes to known groups: the request body.
    { level: 'Request', verbs: WRITE, resources: WORKLOAD_GROUPS },
    // 7. Everything else, including custom resources that may hold secrets: metadata only.
    { level: 'Metadata' },
  ];
}

export function generateAuditPolicy(): Generated {
  return {
    object: {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      omitManagedFields: true,
      rules: auditRules(),
    },
    comment: [
      'API server audit policy (NSA/CISA Kubernetes Hardening Guide v1.2). Rules are evaluated in order; the first match wins.',
      'Secrets, ConfigMaps, service account tokens and TokenReviews are logged at Metadata, never with bodies.',
      'Use: kube-apiserver --audit-policy-file=<this file> --audit-log-path=... --audit-log-maxage=30 --audit-log-maxbackup=10 --audit-log-maxsize=100',
    ].join('\n'),
  };
}

export interface AuditRequest {
  user: string;
  groups?: string[];
  verb: string;
  group?: string;
  /** resource or resource/subresource. */
  resource?: string;
  namespace?: string;
  nonResourceURL?: string;
}

function matchPath(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

/** The level the API server would log a request at (first matching rule), as in k8s.io/apiserver/pkg/audit/policy. */
export function auditLevelFor(rules: readonly AuditRule[], req: AuditRequest): AuditLevel {
  for (const r of rules) {
    if (r.users && !r.users.includes(req.user)) continue;
    if (r.userGroups && !r.userGroups.some((g) => req.groups?.includes(g))) continue;
    if (r.verbs && !r.verbs.includes(req.verb)) continue;
    if (req.nonResourceURL !== undefined) {
      if (r.resources || r.namespaces) continue;
      if (r.nonResourceURLs && !r.nonResourceURLs.some((p) => matchPath(p, req.nonResourceURL as string))) continue;
      return r.level;
    }
    if (r.nonResourceURLs) continue;
    if (r.namespaces && !r.namespaces.includes(req.namespace ?? '')) continue;
    if (r.resources) {
      const hit = r.resources.some((gr) => {
        if (gr.group !== (req.group ?? '')) return false;
        if (!gr.resources || gr.resources.length === 0) return true;
        const res = req.resource ?? '';
        const base = res.split('/')[0];
        return gr.resources.some((x) => x === res || x === '*' || x === `${base}/*` || (x.startsWith('*/') && res.endsWith(x.slice(1))));
      });
      if (!hit) continue;
    }
    return r.level;
  }
  return 'None';
}
