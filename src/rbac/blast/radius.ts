/**
 * Blast radius of a workload: everything a compromise of its containers gives an attacker.
 * The pod's own ServiceAccount token (mounted or not), that identity's effective permissions in
 * every namespace, the Secrets it can read by name, the identities it can become transitively
 * (create pods, exec, token requests, impersonation — with the shortest chain), node access
 * (from the pod spec, from nodes/proxy, and from pods it may create where Pod Security does not
 * forbid privileged ones) and cloud credentials. One Reachability serves every workload.
 */
import type { Severity } from '../../engine/types.js';
import { severityRank } from '../../engine/types.js';
import { isAllowed, rulesFor } from '../authorizer.js';
import { serviceAccountUser } from '../identity.js';
import type { RbacPolicy, Workload } from '../policy.js';
import { Reachability, type ReachedIdentity } from '../risks.js';
import { listRules, splitForReview } from '../rules-list.js';
import { resourceRequest, type PolicyRule, type Subject } from '../types.js';
import { cloudCredentials, DEFAULT_TOKEN_PATH, nodeAccess, podOf, podSecrets, tokenFacts, type CloudCredential, type NodeAccess, type TokenFacts } from './pod.js';

export interface BlastTarget {
  kind: string;
  namespace: string;
  name: string;
  serviceAccountName: string;
  /** The raw object (a workload or a pod) whose pod spec is used. */
  object: unknown;
  /** file:line offline. */
  source?: string;
  /** Live: how many pods matched. */
  pods?: number;
}

export interface ReadableSecret {
  namespace: string;
  name: string;
  verb: string;
}

export interface BlastRadius {
  workload: { kind: string; namespace: string; name: string; source?: string; pods?: number };
  serviceAccount: { namespace: string; name: string; exists: boolean; token: TokenFacts; tokenPath?: string };
  /** False when no API token reaches the containers: the permissions below are not the attacker's. */
  apiAccess: boolean;
  permissions: { cluster: PolicyRule[]; namespaces: Array<{ namespace: string; rules: PolicyRule[] }> };
  holdings: ReachedIdentity['holdings'];
  secrets: { mounted: Array<{ name: string; how: string }>; readable: ReadableSecret[]; allIn: Array<{ namespace: string; verbs: string[] }> };
  become: ReachedIdentity[];
  node: NodeAccess[];
  cloud: CloudCredential[];
  severity: Severity;
  summary: string;
}

const SECRET_VERBS = ['get', 'list', 'watch'];

export class BlastAnalyzer {
  readonly #reach: Reachability;
  readonly #namespaces: string[];
  /** Secret names known per namespace: input Secrets, references of every workload, rules' resourceNames. */
  readonly #secretNames = new Map<string, Set<string>>();

  constructor(
    private readonly policy: RbacPolicy,
    /** Raw objects of the workloads (offline: loaded objects; live: pods), for Secret references. */
    workloadObjects: ReadonlyArray<{ namespace: string; object: unknown }>,
  ) {
    this.#reach = new Reachability(policy);
    this.#namespaces = [...policy.namespaces].sort();
    const add = (ns: string, name: string): void => {
      let s = this.#secretNames.get(ns);
      if (!s) this.#secretNames.set(ns, (s = new Set()));
      s.add(name);
    };
    for (const s of policy.secrets.values()) add(s.namespace, s.name);
    for (const w of workloadObjects) {
      const pod = podOf(w.object);
      if (pod) for (const s of podSecrets(pod.spec)) add(w.namespace, s.name);
    }
    for (const rb of [...policy.crbResolved, ...[...policy.rbResolved.values()].flat()])
      for (const r of rb.role?.rules ?? []) if (r.resources.some((x) => x === 'secrets' || x === '*')) for (const n of r.resourceNames) for (const ns of rb.binding.namespace ? [rb.binding.namespace] : this.#namespaces) add(ns, n);
  }

  analyze(t: BlastTarget): BlastRadius {
    const pod = podOf(t.object) ?? { spec: {}, meta: {} };
    const sa = this.policy.serviceAccount(t.namespace, t.serviceAccountName);
    const token = tokenFacts(pod.spec, sa?.automountServiceAccountToken, (name) => this.policy.secrets.get(`${t.namespace}/${name}`)?.type);
    const apiTokens = token.projected.filter((p) => p.audience === '');
    const apiAccess = token.mounted || apiTokens.length > 0 || token.legacySecrets.length > 0;
    const user = serviceAccountUser(t.namespace, t.serviceAccountName);
    const subject: Subject = { kind: 'ServiceAccount', namespace: t.namespace, name: t.serviceAccountName };

    const cluster = rulesFor(this.policy, user, '');
    const namespaces: BlastRadius['permissions']['namespaces'] = [];
    for (const ns of this.#namespaces) {
      const r = rulesFor(this.policy, user, ns).rules.filter((x) => x.grant.binding.kind === 'RoleBinding');
      if (r.length) namespaces.push({ namespace: ns, rules: listRules(splitForReview(r.map((x) => x.rule), false)) });
    }
    const clusterRules = listRules(splitForReview(cluster.rules.map((x) => x.rule), cluster.masters));

    const readable: ReadableSecret[] = [];
    const allIn: BlastRadius['secrets']['allIn'] = [];
    for (const ns of this.#namespaces) {
      const wide = ['list', 'watch'].filter((verb) => isAllowed(this.policy, user, resourceRequest(verb, 'secrets', { namespace: ns })));
      if (wide.length) {
        allIn.push({ namespace: ns, verbs: wide });
        for (const name of [...(this.#secretNames.get(ns) ?? [])].sort()) readable.push({ namespace: ns, name, verb: wide[0] });
        continue;
      }
      for (const name of [...(this.#secretNames.get(ns) ?? [])].sort()) {
        const verb = SECRET_VERBS.find((v) => isAllowed(this.policy, user, resourceRequest(v, 'secrets', { namespace: ns, name })));
        if (verb) readable.push({ namespace: ns, name, verb });
      }
    }

    const reach = this.#reach.from(subject);
    const node = nodeAccess(pod.spec);
    // Through RBAC: nodes/proxy, or pods it (or an identity it becomes) may create where Pod Security allows privileged pods.
    for (const id of [reach.start, ...reach.reached]) {
      const via = id === reach.start ? '' : ` as ${describe(id.subject)} (chain of ${id.chain.length})`;
      for (const h of id.holdings) {
        if (h.id === 'nodes-proxy') node.push({ what: 'kubelet API (nodes/proxy)', severity: 'critical', detail: `exec in every pod of every node${via}` });
        if (h.id === 'create-workloads' && !h.names) {
          const open = (h.scope ? [h.scope] : this.#namespaces).filter((ns) => !enforcesPodSecurity(this.policy.namespaceLabels.get(ns)));
          if (open.length) node.push({ what: 'privileged pods', severity: 'critical', detail: `can create pods in ${open.slice(0, 5).join(', ')}${open.length > 5 ? ` (+${open.length - 5})` : ''}, where no Pod Security level forbids privileged or hostPath pods${via}` });
        }
      }
    }
    const cloud = cloudCredentials(pod.spec, stringMap(pod.meta.labels), sa?.annotations, token);

    const r: BlastRadius = {
      workload: { kind: t.kind, namespace: t.namespace, name: t.name, ...(t.source ? { source: t.source } : {}), ...(t.pods !== undefined ? { pods: t.pods } : {}) },
      serviceAccount: { namespace: t.namespace, name: t.serviceAccountName, exists: sa !== undefined || t.serviceAccountName === 'default', token, ...(token.mounted ? { tokenPath: DEFAULT_TOKEN_PATH } : {}) },
      apiAccess,
      permissions: { cluster: clusterRules, namespaces },
      holdings: reach.start.holdings,
      secrets: { mounted: podSecrets(pod.spec), readable, allIn },
      become: apiAccess ? reach.reached : [],
      node,
      cloud,
      severity: 'info',
      summary: '',
    };
    if (!apiAccess) {
      r.holdings = [];
      r.secrets.readable = [];
      r.secrets.allIn = [];
      r.node = r.node.filter((n) => !/nodes\/proxy|privileged pods/.test(n.what));
    }
    r.severity = severityOf(r);
    r.summary = summaryOf(r);
    return r;
  }
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** baseline or restricted enforcement forbids privileged, host-namespace and hostPath pods. */
function enforcesPodSecurity(labels: Readonly<Record<string, string>> | undefined): boolean {
  const level = labels?.['pod-security.kubernetes.io/enforce'];
  return level === 'baseline' || level === 'restricted';
}

export function describe(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

function severityOf(r: BlastRadius): Severity {
  let best = 0;
  const take = (s: Severity): void => {
    best = Math.max(best, severityRank(s));
  };
  for (const h of r.holdings) take(h.severity);
  for (const b of r.become) for (const h of b.holdings) take(h.severity);
  if (r.become.some((b) => b.subject.kind === 'Group')) take('critical'); // system:masters
  for (const n of r.node) take(n.severity);
  if (r.cloud.length) take('high');
  if (r.secrets.readable.length || r.secrets.allIn.length) take('high');
  if (r.secrets.mounted.length) take('medium');
  if (best === 0 && r.apiAccess) take('low');
  return (['info', 'low', 'medium', 'high', 'critical'] as const)[best];
}

function summaryOf(r: BlastRadius): string {
  const parts: string[] = [];
  parts.push(r.apiAccess ? `token of ${describe({ kind: 'ServiceAccount', namespace: r.serviceAccount.namespace, name: r.serviceAccount.name })}` : 'no API token');
  if (r.secrets.allIn.length) parts.push(`every Secret in ${r.secrets.allIn.length} namespace(s)`);
  else if (r.secrets.readable.length) parts.push(`${r.secrets.readable.length} Secret(s) by name`);
  if (r.become.length) parts.push(`becomes ${r.become.length} identit${r.become.length === 1 ? 'y' : 'ies'} (longest shortest chain ${Math.max(...r.become.map((b) => b.chain.length))})`);
  if (r.node.length) parts.push(`node access (${[...new Set(r.node.map((n) => n.what))].join(', ')})`);
  if (r.cloud.length) parts.push(`cloud credentials (${[...new Set(r.cloud.map((c) => c.what))].join(', ')})`);
  return parts.join('; ');
}

// ---- finding the workload ------------------------------------------------------------------------

export class WorkloadError extends Error {}

/** Live pods' controllers: a ReplicaSet "web-7d9c5" of a Deployment "web" (pod-template-hash). */
function deploymentOf(w: Workload, object: unknown): string | undefined {
  if (w.owner?.kind !== 'ReplicaSet') return undefined;
  const hash = stringMap((object as { metadata?: { labels?: unknown } })?.metadata?.labels)['pod-template-hash'];
  return hash && w.owner.name.endsWith(`-${hash}`) ? w.owner.name.slice(0, -hash.length - 1) : undefined;
}

/**
 * NS/NAME or NS/KIND/NAME among the workloads of the policy. Live pods also match by their
 * controller (ReplicaSet, and the Deployment above it). An unknown name is an error listing the
 * closest names.
 */
export function findWorkload(policy: RbacPolicy, spec: string, objectOf: (w: Workload) => unknown): BlastTarget {
  const parts = spec.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) throw new WorkloadError(`workload "${spec}": write NAMESPACE/NAME or NAMESPACE/KIND/NAME (e.g. shop/web or shop/Deployment/web)`);
  const [ns, kind, name] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]];
  const inNs = policy.workloads.filter((w) => w.namespace === ns);
  const matches: Array<{ w: Workload; kind: string; name: string }> = [];
  for (const w of inNs) {
    const object = objectOf(w);
    const names: Array<[string, string]> = [[w.kind, w.name]];
    if (w.owner) names.push([w.owner.kind, w.owner.name]);
    const dep = deploymentOf(w, object);
    if (dep) names.push(['Deployment', dep]);
    for (const [k, n] of names) if (n === name && (!kind || k.toLowerCase() === kind.toLowerCase())) matches.push({ w, kind: k, name: n });
  }
  if (matches.length === 0) {
    const known = [...new Set(inNs.map((w) => `${ns}/${w.kind}/${w.name}`))].sort();
    const close = known.filter((k) => k.toLowerCase().includes(name.toLowerCase().slice(0, 3)));
    throw new WorkloadError(`no workload ${spec} in the input${known.length ? `; did you mean ${(close.length ? close : known).slice(0, 5).join(', ')}?` : ` (namespace ${ns} has no workloads)`}`);
  }
  const kinds = [...new Set(matches.map((m) => m.kind))];
  if (kinds.length > 1) throw new WorkloadError(`${spec} is ambiguous (${kinds.map((k) => `${ns}/${k}/${name}`).join(', ')}): give the kind`);
  const first = matches[0];
  const t: BlastTarget = { kind: first.kind, namespace: ns, name, serviceAccountName: first.w.serviceAccountName, object: objectOf(first.w) };
  if (first.w.loaded) t.source = `${first.w.loaded.source.file}:${first.w.loaded.source.locate([]).line}`;
  if (first.w.kind === 'Pod' && !first.w.loaded) t.pods = new Set(matches.map((m) => m.w.name)).size;
  return t;
}
