/**
 * `rbac suggest`: the least-privilege RBAC that allows exactly the requests a subject made
 * successfully, from audit logs (the audit2rbac idea, without its widening):
 *
 * - verbs as the authorizer saw them (list, watch and get stay apart; deletecollection stays);
 * - `resource/subresource` (pods/exec, serviceaccounts/token), API group as requested;
 * - resourceNames when every request of that verb on that resource named one and the same object
 *   (`--generalize-names` never restricts names); several names, or a nameless request, allow
 *   any name;
 * - namespaced requests → a Role and RoleBinding per namespace; cluster-scoped resources,
 *   all-namespace lists and non-resource URLs → one ClusterRole and ClusterRoleBinding
 *   (`--namespace-scoped` leaves those out and lists them instead);
 * - impersonation done by the subject → `impersonate` rules for the identities it became;
 * - requests the built-in policy already grants to every identity (discovery, self reviews,
 *   /version…) are not repeated;
 * - denied requests are listed apart, never granted.
 *
 * Rules are compacted without widening: verbs are merged per resource, then resources with the
 * same verbs and names, so each rule's verbs × resources × names is exactly what was used.
 * Memory is bounded by the number of distinct (scope, resource, verb) keys, not the log size.
 */
import { authorize } from '../authorizer.js';
import { bootstrapInputs } from '../defaults.js';
import { buildPolicy, RBAC_GROUP, type RbacPolicy } from '../policy.js';
import type { PolicyRule, RequestAttributes, UserInfo } from '../types.js';
import type { AuditRequest } from '../../audit/event.js';
import { matchesSubject, rbacSubject, type AuditSubject } from './audit-subject.js';
import { implicitGroup, impersonationRequests } from './impersonation.js';

export interface SuggestOptions {
  subject: AuditSubject;
  /** Drop resourceNames even where one name was used. */
  generalizeNames?: boolean;
  /** Only Roles and RoleBindings: cluster-wide requests are listed, not granted. */
  namespaceScoped?: boolean;
  /** Base name of the generated objects. */
  name?: string;
}

export interface CountedRequest {
  attrs: RequestAttributes;
  count: number;
}

export interface Suggestion {
  objects: Array<Record<string, unknown>>;
  /** Requests the subject made that were denied: not granted. */
  denied: CountedRequest[];
  /** Cluster-wide requests left out by --namespace-scoped. */
  notGranted: CountedRequest[];
  /** Allowed requests of the subject counted (including those the defaults cover). */
  allowed: number;
  /** Allowed requests that the built-in policy grants to every identity already. */
  coveredByDefaults: number;
  /** Distinct denied requests beyond MAX_LISTED are only counted. */
  deniedNotListed: number;
}

/** Distinct denied / not-granted requests listed (the rest counted). */
export const MAX_LISTED = 1000;

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

function verbRank(v: string): number {
  const i = VERB_ORDER.indexOf(v);
  return i < 0 ? VERB_ORDER.length : i;
}

function sortVerbs(vs: Iterable<string>): string[] {
  return [...vs].sort((a, b) => verbRank(a) - verbRank(b) || a.localeCompare(b));
}

interface NameState {
  /** Set while exactly one name was seen and no nameless request. */
  single?: string;
  any: boolean;
}

/** Objects may not contain '/' or '%' in their names (path segment names). */
export function objectNameFor(s: AuditSubject): string {
  const who = s.kind === 'ServiceAccount' ? `sa:${s.namespace}:${s.name}` : `${s.kind.toLowerCase()}:${s.name}`;
  return `kubeharden-suggested:${who}`.replace(/[/%]/g, '-').slice(0, 253);
}

export class SuggestBuilder {
  /** scope ('' cluster-wide) → "group\0resource" → verb → names */
  readonly #resources = new Map<string, Map<string, Map<string, NameState>>>();
  /** path → verbs */
  readonly #urls = new Map<string, Set<string>>();
  readonly #denied = new Map<string, CountedRequest>();
  readonly #notGranted = new Map<string, CountedRequest>();
  #deniedNotListed = 0;
  #allowed = 0;
  #covered = 0;
  readonly #defaults: RbacPolicy;
  readonly #defaultsCache = new Map<string, boolean>();

  constructor(private readonly opts: SuggestOptions) {
    this.#defaults = buildPolicy(bootstrapInputs());
  }

  add(r: AuditRequest): void {
    if (r.impersonator && r.decision === 'allow' && matchesSubject(this.opts.subject, r.impersonator)) this.#addImpersonation(r.user);
    if (!matchesSubject(this.opts.subject, r.user)) return;
    if (r.decision === 'forbid') {
      this.#count(this.#denied, r.attrs);
      return;
    }
    this.#allowed++;
    if (this.#grantedByDefaults(r.user, r.attrs)) {
      this.#covered++;
      return;
    }
    this.#grant(r.attrs);
  }

  #count(map: Map<string, CountedRequest>, attrs: RequestAttributes): void {
    const k = JSON.stringify(attrs);
    const e = map.get(k);
    if (e) e.count++;
    else if (map.size < MAX_LISTED) map.set(k, { attrs, count: 1 });
    else this.#deniedNotListed++;
  }

  /** Granted to every identity by the bootstrap policy (system:discovery, basic-user, public-info-viewer). */
  #grantedByDefaults(user: UserInfo, attrs: RequestAttributes): boolean {
    const k = JSON.stringify([user.groups, attrs]);
    let v = this.#defaultsCache.get(k);
    if (v === undefined) {
      const d = authorize(this.#defaults, { name: '', groups: user.groups.filter(implicitGroup) }, attrs);
      v = d.allowed && d.grant !== undefined;
      if (this.#defaultsCache.size < 10_000) this.#defaultsCache.set(k, v);
    }
    return v;
  }

  #addImpersonation(target: UserInfo): void {
    for (const a of impersonationRequests(target)) this.#grant(a);
  }

  #grant(a: RequestAttributes): void {
    if (!a.resourceRequest) {
      if (this.opts.namespaceScoped) {
        this.#count(this.#notGranted, a);
        return;
      }
      let verbs = this.#urls.get(a.path);
      if (!verbs) this.#urls.set(a.path, (verbs = new Set()));
      verbs.add(a.verb);
      return;
    }
    if (a.namespace === '' && this.opts.namespaceScoped) {
      this.#count(this.#notGranted, a);
      return;
    }
    let byRes = this.#resources.get(a.namespace);
    if (!byRes) this.#resources.set(a.namespace, (byRes = new Map()));
    const rk = `${a.apiGroup}\u0000${a.subresource ? `${a.resource}/${a.subresource}` : a.resource}`;
    let byVerb = byRes.get(rk);
    if (!byVerb) byRes.set(rk, (byVerb = new Map()));
    const st = byVerb.get(a.verb);
    if (!st) byVerb.set(a.verb, a.name && !this.opts.generalizeNames ? { single: a.name, any: false } : { any: true });
    else if (!st.any && st.single !== a.name) {
      st.any = true;
      delete st.single;
    }
  }

  /** The rules of one scope, compacted without widening. */
  #rules(scope: string): PolicyRule[] {
    const byRes = this.#resources.get(scope);
    const rules: PolicyRule[] = [];
    if (byRes) {
      // 1. per (group, resource, names): the verbs.
      const perResource = new Map<string, { group: string; resource: string; names: string[]; verbs: Set<string> }>();
      for (const [rk, byVerb] of byRes) {
        const [group, resource] = rk.split('\u0000');
        for (const [verb, st] of byVerb) {
          const names = st.any ? [] : [st.single as string];
          const k = JSON.stringify([group, resource, names]);
          let e = perResource.get(k);
          if (!e) perResource.set(k, (e = { group, resource, names, verbs: new Set() }));
          e.verbs.add(verb);
        }
      }
      // 2. per (group, verbs, names): the resources.
      const merged = new Map<string, PolicyRule>();
      for (const e of perResource.values()) {
        const verbs = sortVerbs(e.verbs);
        const k = JSON.stringify([e.group, verbs, e.names]);
        const r = merged.get(k);
        if (r) r.resources.push(e.resource);
        else merged.set(k, { verbs, apiGroups: [e.group], resources: [e.resource], resourceNames: e.names, nonResourceURLs: [] });
      }
      for (const r of merged.values()) r.resources.sort();
      rules.push(...[...merged.values()].sort((a, b) => ruleSortKey(a).localeCompare(ruleSortKey(b))));
    }
    if (scope === '') {
      const byVerbs = new Map<string, PolicyRule>();
      for (const [path, verbs] of [...this.#urls].sort(([a], [b]) => a.localeCompare(b))) {
        const v = sortVerbs(verbs);
        const k = JSON.stringify(v);
        const r = byVerbs.get(k);
        if (r) r.nonResourceURLs.push(path);
        else byVerbs.set(k, { verbs: v, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [path] });
      }
      rules.push(...byVerbs.values());
    }
    return rules;
  }

  result(): Suggestion {
    const name = this.opts.name ?? objectNameFor(this.opts.subject);
    const subject = rbacSubject(this.opts.subject);
    const meta = (ns?: string): Record<string, unknown> => ({
      name,
      ...(ns ? { namespace: ns } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'kubeharden' },
      annotations: { 'kubeharden.io/suggested-for': subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace}/${subject.name}` : `${subject.kind} ${subject.name}` },
    });
    const objects: Array<Record<string, unknown>> = [];
    const clusterRules = this.#rules('');
    if (clusterRules.length > 0) {
      objects.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: meta(), rules: clusterRules.map(ruleJson) });
      objects.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: meta(), roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name }, subjects: [subject] });
    }
    for (const ns of [...this.#resources.keys()].filter((n) => n !== '').sort()) {
      objects.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: meta(ns), rules: this.#rules(ns).map(ruleJson) });
      objects.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: meta(ns), roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name }, subjects: [subject] });
    }
    const sorted = (m: Map<string, CountedRequest>): CountedRequest[] => [...m.values()].sort((a, b) => b.count - a.count || JSON.stringify(a.attrs).localeCompare(JSON.stringify(b.attrs)));
    return { objects, denied: sorted(this.#denied), notGranted: sorted(this.#notGranted), allowed: this.#allowed, coveredByDefaults: this.#covered, deniedNotListed: this.#deniedNotListed };
  }
}

function ruleSortKey(r: PolicyRule): string {
  return JSON.stringify([r.apiGroups, r.resources, r.resourceNames, r.verbs]);
}

/** A rule as written in a manifest: empty lists left out. */
export function ruleJson(r: PolicyRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.nonResourceURLs.length) out.nonResourceURLs = r.nonResourceURLs;
  else {
    out.apiGroups = r.apiGroups;
    out.resources = r.resources;
    if (r.resourceNames.length) out.resourceNames = r.resourceNames;
  }
  out.verbs = r.verbs;
  return out;
}
