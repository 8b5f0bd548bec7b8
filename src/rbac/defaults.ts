/**
 * The bootstrap policy of a real cluster (bundled copy of upstream Kubernetes data, see
 * data/NOTICE.md): default ClusterRoles (admin/edit/view aggregation, cluster-admin, system:*)
 * and ClusterRoleBindings. `--with-defaults` adds them so offline answers match a cluster's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { asList, asMap } from '../k8s/json.js';
import type { RbacInput } from './policy.js';

const FILES = ['cluster-roles.yaml', 'cluster-role-bindings.yaml'];
/**
 * The built CLI ships the same objects pre-parsed (scripts/bundle.mjs writes dist/rbac/data/
 * bootstrap.json from FILES): JSON.parse takes 0.2 ms where parsing the YAML takes tens of ms on a cold start.
 * Paths are `../rbac/data/`, not `./data/`: in the bundle this code sits in a chunk in dist/cli/.
 */
const PREPARSED = new URL('../rbac/data/bootstrap.json', import.meta.url);

let cache: unknown[] | undefined;

/** The raw bootstrap objects (parsed once). */
export function bootstrapObjects(): unknown[] {
  if (!cache && existsSync(PREPARSED)) cache = JSON.parse(readFileSync(PREPARSED, 'utf8')) as unknown[];
  if (!cache) {
    cache = [];
    for (const f of FILES) {
      const doc = asMap(parse(readFileSync(new URL(`../rbac/data/${f}`, import.meta.url), 'utf8')));
      cache.push(...asList(doc?.items));
    }
  }
  return cache;
}

export function bootstrapInputs(): RbacInput[] {
  return bootstrapObjects().map((object) => ({ object, origin: 'builtin' as const }));
}
