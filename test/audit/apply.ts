/**
 * Creates many objects in a real API server quickly: plain REST POSTs over one keep-alive
 * connection pool with bounded concurrency, the resource of each kind found through discovery.
 * Namespaces and CRDs go first (CRDs are waited for until established), then ServiceAccounts and
 * RBAC, then everything else. Used by the audit e2e suite and bench/audit.bench.ts.
 */
import { connect, type ClusterClient } from '../../src/cluster/client.js';
import { discover, type Discovery } from '../../src/cluster/discovery.js';
import type { Obj } from './world.js';

export interface Created {
  object: Obj;
  status: number;
  /** The API server's message when it refused the object. */
  message?: string;
}

const ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];

function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
}

function group(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function collectionPath(d: Discovery, o: Obj): string | undefined {
  const g = group(o.apiVersion);
  const ref = d.byKind(g.group, o.kind).find((r) => r.version === g.version);
  if (!ref) return undefined;
  const prefix = g.group ? `/apis/${g.group}/${g.version}` : `/api/${g.version}`;
  return ref.namespaced ? `${prefix}/namespaces/${encodeURIComponent(o.metadata.namespace ?? 'default')}/${ref.resource}` : `${prefix}/${ref.resource}`;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export class Applier {
  readonly client: ClusterClient;
  #discovery: Discovery | undefined;

  private constructor(client: ClusterClient) {
    this.client = client;
  }

  static async open(kubeconfig: string): Promise<Applier> {
    return new Applier(await connect({ kubeconfig }));
  }

  async #refresh(): Promise<Discovery> {
    this.#discovery = await discover(this.client);
    return this.#discovery;
  }

  /**
   * POSTs every object (in dependency order, `concurrency` at a time), replacing one that is
   * already there; never throws for a refusal.
   */
  async create(objects: readonly Obj[], concurrency = 16): Promise<Created[]> {
    const out: Created[] = [];
    const byRank = new Map<number, Obj[]>();
    for (const o of objects) {
      const r = rank(o.kind);
      byRank.set(r, [...(byRank.get(r) ?? []), o]);
    }
    let d = this.#discovery ?? (await this.#refresh());
    for (const r of [...byRank.keys()].sort((a, b) => a - b)) {
      const batch = byRank.get(r) as Obj[];
      await pool(batch, concurrency, async (o) => {
        const path = collectionPath(d, o);
        if (!path) {
          out.push({ object: o, status: 404, message: `${o.apiVersion} ${o.kind} is not served` });
          return;
        }
        let res = await this.client.request({ path, what: `create ${o.kind} ${o.metadata.name}`, method: 'POST', body: JSON.stringify(o), retry: false });
        if (res.status === 409) {
          // Already there (a controller made it, e.g. a namespace's default ServiceAccount): make it this object.
          const item = `${path}/${encodeURIComponent(o.metadata.name)}`;
          const current = await this.client.getJson<{ metadata: { resourceVersion: string } }>({ path: item, what: `get ${o.kind} ${o.metadata.name}` });
          const body = JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: current.metadata.resourceVersion } });
          res = await this.client.request({ path: item, what: `replace ${o.kind} ${o.metadata.name}`, method: 'PUT', body, retry: false });
        }
        const text = res.body.toString('utf8');
        let message: string | undefined;
        if (res.status >= 300) message = (JSON.parse(text) as { message?: string }).message ?? text;
        out.push({ object: o, status: res.status, ...(message ? { message } : {}) });
      });
      if (batch.some((o) => o.kind === 'CustomResourceDefinition')) {
        await this.#waitEstablished(batch.filter((o) => o.kind === 'CustomResourceDefinition'));
        d = await this.#refresh();
      }
    }
    return out;
  }

  async #waitEstablished(crds: readonly Obj[]): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (const crd of crds) {
      for (;;) {
        const r = await this.client.getJson<{ status?: { conditions?: Array<{ type: string; status: string }> } }>({ path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, what: 'get CRD' });
        if (r.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not established within 60 s`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

/** A CRD without a real schema (x-kubernetes-preserve-unknown-fields) for a custom kind. */
export function openCrd(apiVersion: string, kind: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced'): Obj {
  const g = group(apiVersion);
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${g.group}` },
    spec: {
      group: g.group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope,
      versions: [{ name: g.version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}
