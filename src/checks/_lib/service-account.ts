/**
 * Service account resolution for pod checks: which ServiceAccount a pod runs as, whether that
 * object is part of the scan, whether the API token is mounted, and which bindings of the scan
 * name it. Namespaces compare by effective namespace ('default' when unset), so a Helm chart
 * rendered without namespaces still links its Deployment to its ServiceAccount.
 */
import type { LoadedObject } from '../../load/types.js';
import type { Path } from '../../load/types.js';
import { ObjectIndex } from '../../engine/object-index.js';
import type { PodTarget } from '../../k8s/pod-spec.js';
import { asList, asMap, asString } from '../../k8s/json.js';

interface SaIndex {
  /** ns\0name → ServiceAccount */
  accounts: Map<string, LoadedObject>;
  /** Namespaces that have at least one ServiceAccount in the scan. */
  namespacesWithAccounts: Set<string>;
  /** ns\0name → bindings whose subjects name that ServiceAccount directly. */
  bindings: Map<string, LoadedObject[]>;
}

function key(ns: string, name: string): string {
  return `${ns}\u0000${name}`;
}

/** The ServiceAccounts and bindings of the scan (built once per scan). */
export function saIndex(index: ObjectIndex): SaIndex {
  return index.derived(buildSaIndex);
}

function buildSaIndex(index: ObjectIndex): SaIndex {
  const s: SaIndex = { accounts: new Map(), namespacesWithAccounts: new Set(), bindings: new Map() };
  for (const sa of index.ofKind('ServiceAccount')) {
    const ns = ObjectIndex.effectiveNamespace(sa) ?? 'default';
    s.accounts.set(key(ns, sa.name), sa);
    s.namespacesWithAccounts.add(ns);
  }
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of index.ofKind(kind)) {
      const bindingNs = kind === 'RoleBinding' ? (ObjectIndex.effectiveNamespace(b) ?? 'default') : '';
      for (const subj of asList(b.object.subjects)) {
        const m = asMap(subj);
        if (!m || m.kind !== 'ServiceAccount') continue;
        const name = asString(m.name);
        const ns = asString(m.namespace) || bindingNs;
        if (!name || !ns) continue;
        const k = key(ns, name);
        const list = s.bindings.get(k) ?? [];
        // A binding naming the account twice is listed once: only its own last entry can be it.
        if (list[list.length - 1] !== b) list.push(b);
        s.bindings.set(k, list);
      }
    }
  }
  return s;
}

export interface PodAccount {
  name: string;
  namespace: string;
  /** The ServiceAccount object when it is part of the scan. */
  object?: LoadedObject;
  /** Bindings of the scan that name this ServiceAccount as a subject. */
  bindings: readonly LoadedObject[];
}

export function podAccount(pod: PodTarget, index: ObjectIndex): PodAccount {
  const namespace = ObjectIndex.effectiveNamespace(pod.owner) ?? 'default';
  const s = saIndex(index);
  const k = key(namespace, pod.serviceAccountName);
  return { name: pod.serviceAccountName, namespace, object: s.accounts.get(k), bindings: s.bindings.get(k) ?? [] };
}

export type AutomountState =
  | { mounted: false; by: 'pod' | 'serviceaccount' }
  | { mounted: true; by: 'pod'; path: Path }
  | { mounted: true; by: 'serviceaccount'; explicit: boolean }
  /** The pod does not decide and its ServiceAccount is not in the scan. */
  | { mounted: 'unknown' | 'default-account' };

/**
 * Whether the pod gets an API token: the pod's automountServiceAccountToken wins when set; else
 * the ServiceAccount's; else true. The `default` ServiceAccount is created by the cluster without
 * the field, so when it is not in the scan the token is mounted unless someone patched it.
 */
export function automountState(pod: PodTarget, acct: PodAccount): AutomountState {
  const podValue = pod.spec.automountServiceAccountToken;
  if (podValue === false) return { mounted: false, by: 'pod' };
  if (podValue === true) return { mounted: true, by: 'pod', path: [...pod.specPath, 'automountServiceAccountToken'] };
  if (acct.object) {
    const v = acct.object.object.automountServiceAccountToken;
    if (v === false) return { mounted: false, by: 'serviceaccount' };
    return { mounted: true, by: 'serviceaccount', explicit: v === true };
  }
  return { mounted: acct.name === 'default' ? 'default-account' : 'unknown' };
}

/**
 * The descriptions made so far, by list: every pod of a ServiceAccount gets the same list of its
 * bindings (saIndex), and describing a list takes all of it (a namespace's "default" account can
 * be bound by hundreds, and then each of its pods paid for all of them).
 */
const described = new WeakMap<readonly LoadedObject[], string>();

/** `Kind "name"` for each distinct object (the same object may come from several files). */
export function describeObjects(objects: readonly LoadedObject[], max = 3): string {
  const key = max === 3 ? objects : undefined;
  const known = key && described.get(key);
  if (known !== undefined) return known;
  const names = [...new Set(objects.map((o) => `${o.kind} "${o.name}"`))];
  const text = names.slice(0, max).join(', ') + (names.length > max ? ` and ${names.length - max} more` : '');
  if (key) described.set(key, text);
  return text;
}
