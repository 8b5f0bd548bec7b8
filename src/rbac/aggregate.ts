/**
 * ClusterRole aggregation, as `pkg/controller/clusterroleaggregation` computes it, run to a
 * fixpoint offline.
 *
 * For every ClusterRole with an aggregationRule, `.rules` is replaced by the union of the rules of
 * every other ClusterRole matching any selector: selectors in order, matching roles sorted by
 * name, self excluded, duplicates removed by deep equality. Aggregated roles nest (view → edit →
 * admin), so sync passes repeat until nothing changes. Aggregated roles start empty (the least
 * fixpoint, which is what the controller reaches from freshly created roles; hand-written rules of
 * an aggregated role are overwritten). Cycles terminate: rule sets only grow and are bounded.
 */
import type { PolicyRule, RbacRole, RuleOrigin } from './types.js';
import { compileSelector, type CompiledSelector } from './selector.js';

export function ruleKey(r: PolicyRule): string {
  return JSON.stringify([r.verbs, r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
}

export interface AggregationResult {
  /** Passes run until stable. */
  passes: number;
  warnings: string[];
  /** Names of aggregated ClusterRoles that take part in an aggregation cycle. */
  cycles: string[];
}

/** Mutates the `rules`/`ruleOrigins` of aggregated ClusterRoles in place. */
export function aggregateClusterRoles(clusterRoles: readonly RbacRole[]): AggregationResult {
  const warnings: string[] = [];
  const sorted = [...clusterRoles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const aggregated: Array<{ role: RbacRole; selectors: CompiledSelector[] }> = [];
  for (const role of sorted) {
    if (!role.aggregationRule) continue;
    const selectors: CompiledSelector[] = [];
    let bad: string | undefined;
    for (const s of role.aggregationRule.clusterRoleSelectors) {
      const c = compileSelector(s);
      if (!c.ok) {
        bad = c.error;
        break;
      }
      selectors.push(c.matches);
    }
    if (bad !== undefined) {
      warnings.push(`ClusterRole "${role.name}": invalid aggregationRule selector (${bad}); the API server rejects it, rules left as written`);
      continue;
    }
    role.rules = [];
    role.ruleOrigins = [];
    aggregated.push({ role, selectors });
  }
  if (aggregated.length === 0) return { passes: 0, warnings, cycles: [] };

  const keysOf = (r: RbacRole): Set<string> => new Set(r.rules.map(ruleKey));
  // Which aggregated roles feed which (for cycle reporting).
  const feeds = new Map<RbacRole, RbacRole[]>();
  for (const { role, selectors } of aggregated) {
    const sources = sorted.filter((cr) => cr !== role && cr.name !== role.name && selectors.some((m) => m(cr.labels)));
    feeds.set(role, sources);
  }

  const limit = aggregated.length + 2;
  let passes = 0;
  for (;;) {
    passes++;
    let changed = false;
    for (const { role, selectors } of aggregated) {
      const rules: PolicyRule[] = [];
      const origins: RuleOrigin[] = [];
      const seen = new Set<string>();
      for (const m of selectors) {
        for (const cr of sorted) {
          if (cr.name === role.name || !m(cr.labels)) continue;
          cr.rules.forEach((r, i) => {
            const k = ruleKey(r);
            if (seen.has(k)) return;
            seen.add(k);
            rules.push(r);
            origins.push(cr.ruleOrigins[i] ?? { role: cr.name, index: i });
          });
        }
      }
      const before = keysOf(role);
      if (before.size !== seen.size || [...seen].some((k) => !before.has(k))) changed = true;
      role.rules = rules;
      role.ruleOrigins = origins;
    }
    if (!changed) break;
    if (passes > limit) {
      warnings.push(`ClusterRole aggregation did not settle after ${passes} passes`);
      break;
    }
  }
  return { passes, warnings, cycles: findCycles(aggregated.map((a) => a.role), feeds) };
}

function findCycles(roles: RbacRole[], feeds: Map<RbacRole, RbacRole[]>): string[] {
  const inCycle = new Set<string>();
  for (const start of roles) {
    // DFS over aggregated sources: does start reach itself?
    const stack = [...(feeds.get(start) ?? [])];
    const seen = new Set<RbacRole>();
    while (stack.length) {
      const r = stack.pop() as RbacRole;
      if (r === start) {
        inCycle.add(start.name);
        break;
      }
      if (seen.has(r)) continue;
      seen.add(r);
      stack.push(...(feeds.get(r) ?? []));
    }
  }
  return [...inCycle].sort();
}
