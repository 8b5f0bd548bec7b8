/**
 * Every object of the scan, indexed for cross-object checks (NetworkPolicy coverage,
 * ServiceAccount references, RBAC graphs). Pod specs are discovered once here and shared.
 */
import type { LoadedObject } from '../load/types.js';
import { findPodSpecs, type PodTarget } from '../k8s/pod-spec.js';

/** Kinds whose objects live outside namespaces (the common built-ins). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'APIService',
  'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PodSecurityPolicy', 'CertificateSigningRequest',
  'ClusterIssuer', 'ClusterPolicy', 'ClusterPolicyReport', 'FlowSchema', 'PriorityLevelConfiguration', 'List',
  // kubeharden audit's facts about a cluster (src/checks/_lib/cluster-facts.ts)
  'APIServerVersion', 'AnonymousAuthProbe', 'DeprecatedAPIUsage', 'AuditRecord',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export class ObjectIndex {
  readonly objects: readonly LoadedObject[];
  #byKind = new Map<string, LoadedObject[]>();
  #byKey = new Map<string, LoadedObject>();
  #pods: PodTarget[] | undefined;
  #podsByOwner = new Map<LoadedObject, PodTarget[]>();
  #derived = new Map<(index: ObjectIndex) => unknown, unknown>();

  constructor(objects: readonly LoadedObject[]) {
    this.objects = objects;
    for (const o of objects) {
      let list = this.#byKind.get(o.kind);
      if (!list) this.#byKind.set(o.kind, (list = []));
      list.push(o);
      this.#byKey.set(key(o.kind, o.namespace, o.name), o);
    }
  }

  /** Objects of a kind, in input order. */
  ofKind(kind: string): readonly LoadedObject[] {
    return this.#byKind.get(kind) ?? [];
  }

  get(kind: string, namespace: string | undefined, name: string): LoadedObject | undefined {
    // Most lookups miss (a pod's Namespace is rarely part of the manifest set, never in admission):
    // answer those without building the key string.
    if (!this.#byKind.has(kind)) return undefined;
    return this.#byKey.get(key(kind, namespace, name));
  }

  /** The namespace a namespaced object lands in when applied without -n ('default'). */
  static effectiveNamespace(o: LoadedObject): string | undefined {
    return isClusterScoped(o.kind) ? undefined : (o.namespace ?? 'default');
  }

  /** The Namespace object of that name, if it is part of the scan. */
  namespace(name: string): LoadedObject | undefined {
    return this.get('Namespace', undefined, name);
  }

  /** Pod specs of one object (computed once). */
  podsOf(o: LoadedObject): readonly PodTarget[] {
    let pods = this.#podsByOwner.get(o);
    if (!pods) {
      pods = findPodSpecs(o);
      this.#podsByOwner.set(o, pods);
    }
    return pods;
  }

  /**
   * Derived data computed once per scan (a ServiceAccount index, an RBAC policy, per-pod
   * caches): `build(index)` runs on the first call and its result is kept in the index, so it
   * lives exactly as long as the scan. The function is the key: pass a module-level function,
   * not a fresh closure. Cheaper than a module-level WeakMap keyed by the index: the webhook
   * builds an index per review, and every dead WeakMap key costs the garbage collector work.
   */
  derived<T>(build: (index: ObjectIndex) => T): T {
    let v = this.#derived.get(build) as T | undefined;
    if (v === undefined && !this.#derived.has(build)) {
      v = build(this);
      this.#derived.set(build, v);
    }
    return v as T;
  }

  /** Every pod spec of the scan. */
  get pods(): readonly PodTarget[] {
    if (!this.#pods) this.#pods = this.objects.flatMap((o) => this.podsOf(o));
    return this.#pods;
  }
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}
