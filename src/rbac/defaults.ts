/**
 * The bootstrap policy of a real cluster (bundled copy of upstream Kubernetes data, see
 * data/NOTICE.md): default ClusterRoles (admin/edit/view aggregation, cluster-admin, system:*)
 * and ClusterRoleBindings. `--with-defaults` adds them so offline answers match a cluster's.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { asList, asMap } from '../k8s/json.js';
import type { RbacInput } from './policy.js';

const FILES = ['cluster-roles.yaml', 'cluster-role-bindings.yaml'];

let cache: unknown[] | undefined;

/** The raw bootstrap objects (parsed once). */
export function bootstrapObjects(): unknown[] {
  if (!cache) {
    cache = [];
    for (const f of FILES) {
      const doc = asMap(parse(readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8')));
      cache.push(...asList(doc?.items));
    }
  }
  return cache;
}

export function bootstrapInputs(): RbacInput[] {
  return bootstrapObjects().map((object) => ({ object, origin: 'builtin' as const }));
}
