/**
 * A dedicated ServiceAccount per workload, without a mounted API token, wired into the
 * workload (`serviceAccountName`). Workloads on the namespace's `default` account get an
 * account named after them; accounts the input defines and no role binds get
 * automountServiceAccountToken: false. Accounts bound by a (Cluster)RoleBinding in the input
 * are left alone: their workloads call the API.
 */
import type { RemediationOp } from '../engine/types.js';
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString } from '../k8s/json.js';
import type { Generated } from './emit.js';
import { findWorkloads, meta, namespaceOf, type Workload } from './model.js';

export interface ObjectOps {
  object: LoadedObject;
  ops: RemediationOp[];
  why: string;
}

export interface ServiceAccountPlan {
  serviceAccounts: Generated[];
  edits: ObjectOps[];
  notes: string[];
}

function key(ns: string, name: string): string {
  return `${ns}\u0000${name}`;
}

/** ServiceAccounts that a binding in the input grants a role to. */
function boundAccounts(objects: readonly LoadedObject[], namespace?: string): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') continue;
    for (const s of asList(o.object.subjects)) {
      const subj = asMap(s);
      if (asString(subj?.kind) !== 'ServiceAccount') continue;
      const name = asString(subj?.name);
      const ns = asString(subj?.namespace) ?? (o.kind === 'RoleBinding' ? namespaceOf(o, namespace) : '');
      if (name) out.add(key(ns, name));
    }
  }
  return out;
}

export function planServiceAccounts(objects: readonly LoadedObject[], opts: { namespace?: string } = {}): ServiceAccountPlan {
  const workloads = findWorkloads(objects, opts.namespace);
  const accounts = new Map<string, LoadedObject>();
  for (const o of objects) if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') accounts.set(key(namespaceOf(o, opts.namespace), o.name), o);
  const bound = boundAccounts(objects, opts.namespace);
  const users = new Map<string, Workload[]>();
  for (const w of workloads) {
    const k = key(w.namespace, w.pod.serviceAccountName);
    users.set(k, [...(users.get(k) ?? []), w]);
  }

  const serviceAccounts: Generated[] = [];
  const edits: ObjectOps[] = [];
  const notes: string[] = [];
  const created = new Set<string>();
  const disabled = new Set<string>();

  const create = (ns: string, name: string, comment: string): void => {
    if (created.has(key(ns, name))) return;
    created.add(key(ns, name));
    serviceAccounts.push({ object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, ns), automountServiceAccountToken: false }, comment });
  };
  const disableAutomount = (sa: LoadedObject, why: string): void => {
    const k = key(namespaceOf(sa, opts.namespace), sa.name);
    if (disabled.has(k)) return;
    disabled.add(k);
    if (bound.has(k)) {
      notes.push(`ServiceAccount ${sa.name} is bound to roles in the input: its token stays mounted (the workload presumably calls the API)`);
      return;
    }
    if (sa.object.automountServiceAccountToken !== undefined && sa.object.automountServiceAccountToken !== null) return;
    edits.push({ object: sa, ops: [{ op: 'set', path: ['automountServiceAccountToken'], value: false }], why });
  };

  for (const w of workloads) {
    const current = w.pod.serviceAccountName;
    if (current === 'default') {
      let name = w.name;
      const existing = accounts.get(key(w.namespace, name));
      const taken = (users.get(key(w.namespace, name)) ?? []).some((u) => u.object !== w.object);
      if (taken || bound.has(key(w.namespace, name))) name = `${w.name}-${w.kind.toLowerCase()}`;
      const ops: RemediationOp[] = [{ op: 'set', path: [...w.pod.specPath, 'serviceAccountName'], value: name, overwrite: true }];
      // The deprecated alias must not contradict the new name.
      if (asString(w.pod.spec.serviceAccount) !== undefined) ops.push({ op: 'set', path: [...w.pod.specPath, 'serviceAccount'], value: name, overwrite: true });
      edits.push({ object: w.object, ops, why: `${w.kind} ${w.name} runs as ServiceAccount ${name} instead of the namespace's default` });
      const sa = accounts.get(key(w.namespace, name));
      if (sa && sa === existing) disableAutomount(sa, `ServiceAccount ${name} mounts no API token`);
      else create(w.namespace, name, `Dedicated ServiceAccount of ${w.kind} ${w.name}: no API token is mounted; bind a Role to it only if the workload calls the API.`);
      continue;
    }
    const sa = accounts.get(key(w.namespace, current));
    if (sa) disableAutomount(sa, `ServiceAccount ${current} mounts no API token`);
    else if (!bound.has(key(w.namespace, current))) {
      create(w.namespace, current, `ServiceAccount ${current} is used by ${w.kind} ${w.name} but not defined in the input. If it exists in the cluster with role bindings, drop this object.`);
      notes.push(`ServiceAccount ${current} (used by ${w.kind} ${w.name}) is not in the input: generated without an API token`);
    }
  }
  return { serviceAccounts, edits, notes };
}
