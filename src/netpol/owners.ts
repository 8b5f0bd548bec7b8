/**
 * The workload that owns a pod: ownerReferences followed from the pod to its controller and on
 * through ReplicaSets and Jobs (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), as a cluster
 * (or a `kubectl get -o yaml` dump of one) lists them. A pod whose owner is not among the objects
 * keeps the owner's kind and name.
 */
import { objectFromJson } from '../load/plain-object.js';
import type { LoadedObject } from '../load/types.js';
import { asList, asMap } from '../k8s/json.js';

/** The object that owns a pod: a workload (Deployment, StatefulSet, …) or the Pod itself. */
export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  object: LoadedObject;
}

export interface Ownership {
  /** The top workload of a pod with ownerReferences (undefined: the pod stands alone). */
  ownerOf(pod: LoadedObject): Workload | undefined;
  /** The owner objects of the input on the pod's chain (ReplicaSet, Deployment, …). */
  chain(pod: LoadedObject): LoadedObject[];
}

const CONTROLLERS = new Set(['ReplicaSet', 'Job', 'Deployment', 'CronJob', 'StatefulSet', 'DaemonSet', 'ReplicationController']);

function controllerOf(o: LoadedObject): { kind: string; name: string } | undefined {
  const refs = asList(asMap(o.object.metadata)?.ownerReferences).map(asMap);
  const c = refs.find((r) => r?.controller === true) ?? refs[0];
  return c && typeof c.kind === 'string' && typeof c.name === 'string' ? { kind: c.kind, name: c.name } : undefined;
}

export function ownership(objects: readonly LoadedObject[]): Ownership {
  const byKey = new Map<string, LoadedObject>();
  for (const o of objects) if (CONTROLLERS.has(o.kind)) byKey.set(`${o.kind}/${o.namespace ?? ''}/${o.name}`, o);
  const walk = (pod: LoadedObject): { ref?: { kind: string; name: string }; chain: LoadedObject[] } => {
    const ns = pod.namespace ?? '';
    let ref = controllerOf(pod);
    const chain: LoadedObject[] = [];
    for (let depth = 0; ref && depth < 4; depth++) {
      const owner = byKey.get(`${ref.kind}/${ns}/${ref.name}`);
      if (owner) chain.push(owner);
      // ReplicaSets and Jobs are intermediaries; what created them is the workload people name.
      const up = owner && (ref.kind === 'ReplicaSet' || ref.kind === 'Job') ? controllerOf(owner) : undefined;
      if (!up) break;
      ref = up;
    }
    return { ref, chain };
  };
  return {
    ownerOf(pod) {
      const { ref, chain } = walk(pod);
      if (!ref) return undefined;
      const ns = pod.namespace ?? 'default';
      const object = chain[chain.length - 1]?.name === ref.name && chain[chain.length - 1]?.kind === ref.kind ? chain[chain.length - 1] : objectFromJson({ apiVersion: 'v1', kind: ref.kind, metadata: { name: ref.name, namespace: ns } }, pod.source.file);
      return { kind: ref.kind, name: ref.name, namespace: ns, object };
    },
    chain: (pod) => walk(pod).chain,
  };
}
