/**
 * `scan --control-plane`: the live control plane as objects the engine scans like files, read
 * with the shared cluster client (src/cluster) and the same collectors as `audit`
 * (src/audit/collectors: server version, the anonymous probe, kubelets' /configz and the
 * ControlPlaneProbe). What `audit` lists anyway, this lists itself:
 *
 * - the mirror pods in kube-system labelled tier=control-plane (kubeadm, RKE2…): the same command
 *   lines as the static pod files (needs `list pods` in kube-system);
 * - the nodes, which the kubelet collector reads (needs `list nodes`; without it the kubelets are
 *   not assessable, with the reason).
 *
 * Objects are located as audit's are (`cluster:<context>`, the object and the field path).
 * Failures to read what is needed are input errors (the scan exits 2), except where the missing
 * piece is itself the finding (a kubelet whose /configz is refused, a managed control plane):
 * those are in the ControlPlaneProbe and surface as CP-NOT-ASSESSABLE.
 */
import type { InputError, LoadedObject } from '../load/types.js';
import { connect, type ClusterClient } from '../cluster/client.js';
import { ClusterError } from '../cluster/errors.js';
import { CORE, listPages, type KubeItem, type ListRequest } from '../cluster/list.js';
import { liveObject } from '../cluster/objects.js';
import { CONTROL_PLANE_COLLECTORS, type Collector } from '../audit/collectors/index.js';
import { normalize } from '../audit/normalize.js';
import { clusterLabel, type Gap, type Json } from '../audit/source.js';
import { CONTROL_PLANE_NAMESPACE } from './probe.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Collectors to run (default: CONTROL_PLANE_COLLECTORS; tests narrow them). */
  collectors?: readonly Collector[];
}

export interface LiveResult {
  objects: LoadedObject[];
  errors: InputError[];
  /** `cluster:<context>`: the file of every live object. */
  source: string;
}

async function listAll(client: ClusterClient, req: ListRequest): Promise<Json[]> {
  const out: Json[] = [];
  for await (const page of listPages(client, req)) for (const item of page.items) out.push(normalize(item as KubeItem));
  return out;
}

export async function collectControlPlane(opts: LiveOptions = {}): Promise<LiveResult> {
  let client: ClusterClient;
  try {
    client = await connect({ kubeconfig: opts.kubeconfig, context: opts.context, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  } catch (e) {
    return { objects: [], errors: [{ file: opts.kubeconfig ?? 'kubeconfig', message: `cannot read the live control plane: ${(e as Error).message}` }], source: 'cluster' };
  }
  const source = clusterLabel(client.identity.context);
  const result: LiveResult = { objects: [], errors: [], source };
  const add = (o: Json) => result.objects.push(liveObject(o, source));
  try {
    const podsReq: ListRequest = { resource: CORE.pods, namespace: CONTROL_PLANE_NAMESPACE, labelSelector: 'tier=control-plane', limit: 500 };
    try {
      for (const p of await listAll(client, podsReq)) add(p);
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      result.errors.push({ file: source, message: `cannot list the control-plane pods in ${CONTROL_PLANE_NAMESPACE}: ${e.message}${e.reason === 'forbidden' ? ' (needs list on pods in kube-system)' : ''}` });
      return result;
    }
    // Nodes are the kubelet collector's input, not objects of this scan.
    const read: Json[] = [];
    const gaps: Gap[] = [];
    const nodesReq: ListRequest = { resource: CORE.nodes, limit: 500 };
    try {
      read.push(...(await listAll(client, nodesReq)));
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      gaps.push({ what: e.what, reason: e.reason, message: e.message.slice(e.what.length + 2), consequence: 'the kubelets are not assessed' });
    }
    const now = new Date();
    for (const c of opts.collectors ?? CONTROL_PLANE_COLLECTORS) {
      try {
        const r = await c.collect({ client, now, objects: read, gaps });
        for (const o of r.objects) {
          read.push(o);
          add(o);
        }
        for (const g of r.gaps ?? []) result.errors.push({ file: source, message: `cannot ${g.what}: ${g.message}; ${g.consequence}` });
      } catch (e) {
        result.errors.push({ file: source, message: `cannot read the live ${c.name}: ${(e as Error).message}` });
      }
    }
    return result;
  } finally {
    client.close();
  }
}
