/**
 * Paged LIST (`limit` + `continue`), one page at a time: a list of 100,000 pods never exists in
 * memory at once. When a continue token expires (410 Gone: etcd compacted the revision the list
 * was pinned to) the list restarts from the beginning and skips what was already returned: pages
 * come in storage-key order (namespace/name), which is what a continue token resumes from, so
 * "already returned" is every key up to the last one seen.
 */
import type { ClusterClient } from './client.js';
import { ClusterError } from './errors.js';
import type { ResourceRef } from './discovery.js';

export type KubeItem = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } };

export interface ListRequest {
  resource: ResourceRef;
  /** Namespace to list in; undefined lists across all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  /** Items per page (kubectl's default is 500). */
  limit: number;
  /** Ask for PartialObjectMetadata only (Secrets: their values are never transferred). */
  metadataOnly?: boolean;
  fieldSelector?: string;
  /** How many times an expired list may restart (default 3). */
  maxRestarts?: number;
}

export interface ListPage {
  items: KubeItem[];
  /** The list's resourceVersion (of the first page of the current attempt). */
  resourceVersion?: string;
}

const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export function listPath(req: Pick<ListRequest, 'resource' | 'namespace'>): string {
  const r = req.resource;
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return req.namespace !== undefined && r.namespaced ? `${prefix}/namespaces/${encodeURIComponent(req.namespace)}/${r.resource}` : `${prefix}/${r.resource}`;
}

export function describeList(req: Pick<ListRequest, 'resource' | 'namespace' | 'fieldSelector'>): string {
  const what = req.resource.group ? `${req.resource.resource}.${req.resource.group}` : req.resource.resource;
  const where = !req.resource.namespaced ? '' : req.namespace !== undefined ? ` in namespace ${req.namespace}` : ' in all namespaces';
  return `list ${what}${where}${req.fieldSelector ? ` (${req.fieldSelector})` : ''}`;
}

/** The storage key order pages come in: `namespace/name`. */
function keyOf(item: KubeItem): string {
  const m = item.metadata;
  return `${m?.namespace ?? ''}/${m?.name ?? ''}`;
}

interface ListBody {
  kind?: string;
  metadata?: { continue?: string; resourceVersion?: string };
  items?: unknown;
}

/** Every page of the list, in order. Items carry apiVersion and kind (list items often do not). */
export async function* listPages(client: ClusterClient, req: ListRequest): AsyncGenerator<ListPage> {
  const what = describeList(req);
  const path = listPath(req);
  const maxRestarts = req.maxRestarts ?? 3;
  let restarts = 0;
  let lastKey: string | undefined;
  let cont: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ limit: String(req.limit) });
    if (cont) q.set('continue', cont);
    if (req.fieldSelector) q.set('fieldSelector', req.fieldSelector);
    const spec = { path: `${path}?${q}`, what, ...(req.metadataOnly ? { accept: METADATA_ACCEPT } : {}) };
    const r = await client.request(spec);
    if (r.status === 410 && cont) {
      // The continue token expired mid-list: start again and skip what was already returned.
      if (++restarts > maxRestarts) throw new ClusterError(client.identity, what, 'expired', `the list expired ${restarts} times while paging (etcd compacts faster than the pages are read; try a larger --chunk-size)`, 410);
      cont = undefined;
      continue;
    }
    const body = client.json<ListBody>(spec, r);
    if (body.items === null) body.items = []; // an empty PartialObjectMetadataList says null
    if (!Array.isArray(body.items)) throw new ClusterError(client.identity, what, 'failed', `the response is not a list (kind ${String(body.kind)})`, r.status);
    const items: KubeItem[] = [];
    for (const raw of body.items as unknown[]) {
      if (!raw || typeof raw !== 'object') continue;
      const item = raw as KubeItem;
      if (lastKey !== undefined && restarts > 0 && keyOf(item) <= lastKey) continue; // returned before the restart
      items.push(withKind(item, req));
    }
    if (items.length) lastKey = keyOf(items[items.length - 1]);
    yield { items, ...(body.metadata?.resourceVersion ? { resourceVersion: body.metadata.resourceVersion } : {}) };
    cont = body.metadata?.continue || undefined;
    if (!cont) return;
  }
}

/**
 * Items of built-in lists come without apiVersion/kind; metadata-only items say
 * PartialObjectMetadata. Either way the item becomes what it is: the resource's kind.
 */
function withKind(item: KubeItem, req: ListRequest): KubeItem {
  const r = req.resource;
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  if (req.metadataOnly) return { apiVersion, kind: r.kind, metadata: item.metadata ?? {} };
  if (item.kind === r.kind && item.apiVersion === apiVersion) return item;
  // apiVersion and kind first, as in every manifest (reports and dumps read better).
  const { apiVersion: _a, kind: _k, ...rest } = item;
  return { apiVersion, kind: r.kind, ...rest } as KubeItem;
}
