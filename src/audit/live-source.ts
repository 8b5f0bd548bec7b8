/**
 * A live cluster as an audit source. The global objects (cluster-scoped kinds, RBAC,
 * ServiceAccounts, facts from the collectors) are listed first and whole. Then, for an audit of
 * all namespaces, each other resource is listed across all namespaces in pages, and the lists
 * are merged by namespace: pages arrive in storage-key order (namespace/name), so walking all
 * cursors in step yields every object of a namespace together while holding at most two pages
 * per resource — memory does not grow with the cluster. With -n each namespace is listed by itself.
 *
 * A list the identity may not make is a gap (the audit says what it could not read); a list
 * that fails for another reason after retries is a gap too, with what it cost.
 */
import type { ClusterClient } from '../cluster/client.js';
import { discover, type Discovery, type ResourceRef } from '../cluster/discovery.js';
import { ClusterError } from '../cluster/errors.js';
import { describeList, listPages, type KubeItem, type ListPage, type ListRequest } from '../cluster/list.js';
import { AUDITED, CRD_RESOURCE, SA_TOKEN_TYPE, type AuditedResource } from './catalogue.js';
import { COLLECTORS, type Collector } from './collectors/index.js';
import { podTemplateResources } from './crd-pods.js';
import { compareNamespaces } from './dump-source.js';
import { hasPodSpec } from './fold.js';
import { normalize } from './normalize.js';
import { clusterLabel, type AuditSource, type Gap, type Json, type SourceChunk } from './source.js';

export interface LiveSourceOptions {
  client: ClusterClient;
  /** -n: list only these namespaces (and only the cluster-scoped context they need). */
  namespaces?: readonly string[];
  /** Items per page. */
  chunkSize: number;
  collectors?: readonly Collector[];
  now?: Date;
}

/** One list the audit makes: a catalogue entry or a custom resource with pod templates. */
interface Planned {
  ref: ResourceRef;
  global: boolean;
  metadataOnly?: boolean;
  fieldSelector?: string;
  /** Keep only objects that turn out to have a pod spec (custom resources). */
  podsOnly?: boolean;
  why: string;
}

function gapOf(e: unknown, what: string, consequence: string): Gap {
  if (e instanceof ClusterError) return { what: e.what, reason: e.reason, message: e.message.slice(e.what.length + 2), consequence };
  return { what, reason: 'failed', message: (e as Error).message, consequence };
}

function prepare(item: KubeItem, p: Planned): Json | undefined {
  if (p.podsOnly && !hasPodSpec(item)) return undefined;
  return normalize(item, p.metadataOnly && p.fieldSelector === `type=${SA_TOKEN_TYPE}` ? { secretType: SA_TOKEN_TYPE } : {});
}

/** Every item of a list, normalized; failures become gaps. */
async function listAll(client: ClusterClient, p: Planned, req: Omit<ListRequest, 'resource'>, gaps: Gap[]): Promise<Json[]> {
  const out: Json[] = [];
  const full: ListRequest = { resource: p.ref, ...req, ...(p.metadataOnly ? { metadataOnly: true } : {}), ...(p.fieldSelector ? { fieldSelector: p.fieldSelector } : {}) };
  try {
    for await (const page of listPages(client, full)) {
      for (const item of page.items) {
        const o = prepare(item, p);
        if (o) out.push(o);
      }
    }
  } catch (e) {
    gaps.push(gapOf(e, describeList(full), `not audited: ${p.why}${out.length ? ` (the ${out.length} objects read before the failure are)` : ''}`));
  }
  return out;
}

/**
 * One resource listed across all namespaces, read a page ahead, handed out one namespace at a
 * time. Pages come in namespace order; a page that goes back is a server this audit cannot
 * stream from, and the cursor stops with a gap rather than mix namespaces up.
 */
class NamespaceCursor {
  readonly #pages: AsyncGenerator<ListPage>;
  readonly #p: Planned;
  readonly #gaps: Gap[];
  readonly #what: string;
  #buf: Json[] = [];
  #i = 0;
  #next: Promise<IteratorResult<ListPage>> | undefined;
  #done = false;
  #last: string | undefined;

  constructor(client: ClusterClient, p: Planned, limit: number, gaps: Gap[]) {
    const req: ListRequest = { resource: p.ref, limit, ...(p.metadataOnly ? { metadataOnly: true } : {}), ...(p.fieldSelector ? { fieldSelector: p.fieldSelector } : {}) };
    this.#pages = listPages(client, req);
    this.#p = p;
    this.#gaps = gaps;
    this.#what = describeList(req);
    this.#next = this.#pages.next();
  }

  /** Namespace of the next object, loading pages as needed; undefined when the list is over. */
  async head(): Promise<string | undefined> {
    while (this.#i >= this.#buf.length) {
      if (this.#done || !this.#next) return undefined;
      let r: IteratorResult<ListPage>;
      try {
        r = await this.#next;
      } catch (e) {
        this.#stop(e);
        return undefined;
      }
      if (r.done) {
        this.#done = true;
        return undefined;
      }
      this.#next = this.#pages.next(); // read ahead while this page is checked
      this.#buf = [];
      this.#i = 0;
      for (const item of r.value.items) {
        const o = prepare(item, this.#p);
        if (o) this.#buf.push(o);
      }
    }
    const ns = namespaceOf(this.#buf[this.#i]);
    if (this.#last !== undefined && compareNamespaces(ns, this.#last) < 0) {
      this.#stop(new Error(`the server returned namespace "${ns}" after "${this.#last}": lists are not in namespace order, so this audit cannot stream them (audit with -n instead)`));
      return undefined;
    }
    return ns;
  }

  /** All objects of namespace `ns` at the head of the list. */
  async take(ns: string): Promise<Json[]> {
    const out: Json[] = [];
    while ((await this.head()) === ns) {
      out.push(this.#buf[this.#i++]);
      this.#last = ns;
    }
    return out;
  }

  #stop(e: unknown): void {
    const after = this.#last !== undefined ? ` after namespace ${this.#last}` : '';
    this.#gaps.push(gapOf(e, this.#what, `not audited${after}: ${this.#p.why}`));
    this.#done = true;
    this.#buf = [];
    this.#i = 0;
    this.#next = undefined;
    void this.#pages.return(undefined).catch(() => undefined);
  }
}

function namespaceOf(o: Json): string {
  const ns = (o.metadata as { namespace?: unknown } | undefined)?.namespace;
  return typeof ns === 'string' ? ns : '';
}

/** The catalogue entries and custom resources this audit lists, at the versions the cluster serves. */
function plan(discovery: Discovery, crds: readonly Json[], namespaced: boolean, warnings: string[]): Planned[] {
  const out: Planned[] = [];
  const add = (r: AuditedResource) => {
    const ref = discovery.find(r.group, r.resource);
    if (!ref || !ref.verbs.includes('list')) {
      warnings.push(`${r.group ? `${r.resource}.${r.group}` : r.resource} is not served by this cluster: not audited (${r.why})`);
      return;
    }
    out.push({ ref, global: r.global, ...(r.metadataOnly ? { metadataOnly: true } : {}), ...(r.fieldSelector ? { fieldSelector: r.fieldSelector } : {}), why: r.why });
  };
  for (const r of AUDITED) {
    if (namespaced && !r.namespaced && !r.namespaceContext) continue;
    add(r);
  }
  for (const c of podTemplateResources(crds)) {
    const ref = discovery.find(c.group, c.resource);
    if (!ref || !ref.verbs.includes('list')) continue;
    if (namespaced && !ref.namespaced) continue;
    out.push({ ref, global: !ref.namespaced, podsOnly: true, why: `${c.kind} objects (custom resources with pod templates)` });
  }
  return out;
}

export function liveSource(opts: LiveSourceOptions): AuditSource {
  const { client } = opts;
  const gaps: Gap[] = [];
  const warnings: string[] = [];
  const selected = opts.namespaces?.length ? [...new Set(opts.namespaces)].sort(compareNamespaces) : undefined;
  const limit = opts.chunkSize;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    const discovery = await discover(client);
    // CRDs only for their schemas: which custom resources can carry pod templates.
    const crdRef = discovery.find(CRD_RESOURCE.group, CRD_RESOURCE.resource);
    const crds = crdRef ? await listAll(client, { ref: crdRef, global: true, why: 'custom resources with pod templates (Argo Rollouts, Knative…)' }, { limit }, gaps) : [];
    const planned = plan(discovery, crds, selected !== undefined, warnings);

    // 1. Global objects, all lists at once; then the facts.
    const global: Json[] = [];
    const globalLists = planned.filter((p) => p.global);
    const lists = await Promise.all(
      globalLists.map(async (p) => {
        if (!selected || !p.ref.namespaced) {
          if (selected && p.ref.kind === 'Namespace') return getNamespaces(p, selected);
          return listAll(client, p, { limit }, gaps);
        }
        const per = await Promise.all(selected.map((ns) => listAll(client, p, { limit, namespace: ns }, gaps)));
        return per.flat();
      }),
    );
    for (const l of lists) for (const o of l) global.push(o);
    if (!selected) {
      const now = opts.now ?? new Date();
      for (const c of opts.collectors ?? COLLECTORS) {
        try {
          const r = await c.collect({ client, discovery, now });
          global.push(...r.objects);
          gaps.push(...(r.gaps ?? []));
          warnings.push(...(r.warnings ?? []));
        } catch (e) {
          gaps.push(gapOf(e, c.name, `not assessed: ${c.name}`));
        }
      }
    }
    yield { scope: 'global', objects: global };

    // 2. Namespaced objects, one namespace at a time.
    const streamed = planned.filter((p) => !p.global);
    if (selected) {
      for (const ns of selected) {
        const per = await Promise.all(streamed.map((p) => listAll(client, p, { limit, namespace: ns }, gaps)));
        yield { scope: 'namespace', namespace: ns, objects: per.flat() };
      }
      return;
    }
    const cursors = streamed.map((p) => new NamespaceCursor(client, p, limit, gaps));
    for (;;) {
      const heads = await Promise.all(cursors.map((c) => c.head()));
      let ns: string | undefined;
      for (const h of heads) if (h !== undefined && (ns === undefined || compareNamespaces(h, ns) < 0)) ns = h;
      if (ns === undefined) return;
      const objects: Json[] = [];
      for (let i = 0; i < cursors.length; i++) if (heads[i] === ns) for (const o of await cursors[i].take(ns)) objects.push(o);
      yield { scope: 'namespace', namespace: ns, objects };
    }
  }

  /** With -n: each selected Namespace by name (a namespace admin may get it, not list all). */
  async function getNamespaces(p: Planned, names: readonly string[]): Promise<Json[]> {
    const out: Json[] = [];
    for (const name of names) {
      const what = `get namespace ${name}`;
      try {
        const r = await client.request({ path: `/api/v1/namespaces/${encodeURIComponent(name)}`, what });
        if (r.status === 404) {
          gaps.push({ what, reason: 'not-found', message: `namespace "${name}" does not exist`, consequence: 'nothing in it was audited' });
          continue;
        }
        const o = client.json<KubeItem>({ path: '', what }, r);
        out.push(normalize({ ...o, apiVersion: 'v1', kind: 'Namespace' }));
      } catch (e) {
        gaps.push(gapOf(e, what, `not audited: ${p.why}`));
      }
    }
    return out;
  }

  return { label: clusterLabel(client.identity.context), gaps, warnings, chunks };
}
