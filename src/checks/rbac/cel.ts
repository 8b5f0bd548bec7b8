/** The RBAC checks' shared CEL: how a Role or binding is named in messages (_lib.ts roleLabel). */
import type { CheckMeta } from '../../engine/types.js';
import { bind, lit, type Cel, type CelForm } from '../../k8s/cel.js';
import { lowerSeverity, type Target } from './target.js';

export function roleLabelCel(kind: string): Cel {
  return `${lit(`${kind} "`)} + (object.metadata.?namespace.orValue('') != '' ? object.metadata.namespace + '/' : '') + object.metadata.name + '"'`;
}

/** A rule grants `verb` (rbac/match.ts verbMatches). */
function verbCel(verb: string): Cel {
  return `r.?verbs.orValue([]).exists(v, v == '*' || v == ${lit(verb)})`;
}

/** The first resources entry of rule `r` that matches the target (matchingResourceEntry), as a one-element list, or []. */
function entryCel(t: Target): Cel {
  const combined = t.subresource ? `${t.resource}/${t.subresource}` : t.resource;
  const conds = [`e == '*'`, `e == ${lit(combined)}`, ...(t.subresource ? [`e == ${lit(`*/${t.subresource}`)}`] : [])];
  return `r.?resources.orValue([]).filter(e, ${conds.join(' || ')})`;
}

function groupCel(t: Target): Cel {
  return `r.?apiGroups.orValue([]).exists(g, g == '*' || g == ${lit(t.group)})`;
}

/** The verbs of `t` rule `r` grants, as a CEL list (named rules never grant create of a whole object or deletecollection). */
function verbsCel(t: Target): Cel {
  const named = "r.?resourceNames.orValue([]).size() > 0";
  return `[${t.verbs.map((v) => {
    const nameless = (v === 'create' && !t.subresource) || v === 'deletecollection';
    return `${verbCel(v)}${nameless ? ` && !(${named})` : ''} ? ${lit(v)} : ''`;
  }).join(', ')}].filter(v, v != '')`;
}

/** Rule `r` grants target `t` (ruleHits), for `kind`. */
export function ruleHitCel(t: Target, kind: string): Cel {
  if (t.clusterOnly && kind === 'Role') return 'false';
  return `(${groupCel(t)} && ${entryCel(t)}.size() > 0 && ${verbsCel(t)}.size() > 0)`;
}

/** The rules that take effect: an aggregated ClusterRole's rules are the aggregation controller's. */
export function effectiveRulesCel(kind: string): Cel {
  return kind === 'ClusterRole' ? "(object.?aggregationRule.hasValue() ? [] : object.?rules.orValue([]))" : "object.?rules.orValue([])";
}

const RANK = "{'info': 0, 'low': 1, 'medium': 2, 'high': 3, 'critical': 4}";
const BY_RANK = "['info', 'low', 'medium', 'high', 'critical']";

/**
 * ruleCheck() as CEL: per rule and matching resources entry, the verbs granted per target; a
 * fallback target only where no earlier target matched that entry; severity the worst target's,
 * one lower for a rule restricted to resourceNames. Findings are judged once into [severity,
 * message] pairs (a Constant), then split by severity.
 */
export function ruleCheckCel(spec: { meta: CheckMeta; targets: readonly Target[]; impact: string; keepCel?: (t: Target, kind: string) => Cel | undefined; whenCel?: (kind: string) => Cel }): CelForm {
  return {
    form: 'object',
    findings: ({ kind, constant }) => {
      const targets = spec.targets.filter((t) => !(t.clusterOnly && kind === 'Role'));
      if (targets.length === 0) return '[]';
      const label = (t: Target) => t.label ?? `${t.resource}${t.subresource ? `/${t.subresource}` : ''}${t.group ? `.${t.group}` : ''}`;
      // Every hit of rule r as [entry, what, severity, fallback].
      const hits = `[${targets.map((t) => {
        const keep = spec.keepCel?.(t, kind);
        return `${ruleHitCel(t, kind)}${keep ? ` && (${keep})` : ''} ? [string(${entryCel(t)}[0]), ${verbsCel(t)}.join('/') + ${lit(` on ${label(t)}`)}, ${lit(t.severity ?? spec.meta.severity)}, ${lit(t.fallback ? 'y' : '')}] : []`;
      }).join(', ')}].filter(h, h.size() > 0)`;
      // A fallback hit counts only when no other hit matched its entry.
      const kept = bind(hits, 'hs', "hs.filter(h, h[3] == '' || !hs.exists(o, o[3] == '' && o[0] == h[0]))");
      const rules = effectiveRulesCel(kind);
      const named = "r.?resourceNames.orValue([]).size() > 0";
      // Each finding as `<severity>\x1d<message>`.
      const finding = `${BY_RANK}[(k.filter(h, h[0] == e).map(h, ${RANK}[h[2]]).max() - (${named} && k.filter(h, h[0] == e).map(h, ${RANK}[h[2]]).max() > 0 ? 1 : 0))] + '\\x1d' + ${roleLabelCel(kind)} + ' rule ' + string(${rules}.indexOf(r)) + ' grants ' + k.filter(h, h[0] == e).map(h, h[1]).join(', ') + (${named} ? ' (only ' + r.resourceNames.join(', ') + ')' : '') + ${lit(`: ${spec.impact}`)}`;
      const perRule = `${rules}.map(r, ${bind(kept, 'k', `r.?resources.orValue([]).filter(e, k.exists(h, h[0] == e)).map(e, ${finding})`)})`;
      const gate = spec.whenCel?.(kind);
      const judged = constant('judged', `${gate ? `!(${gate}) ? [] : ` : ''}${perRule}.map(l, l.join('\\x1e')).filter(s, s != '').join('\\x1e').split('\\x1e').filter(s, s != '')`);
      const severities = [...new Set([spec.meta.severity, ...spec.targets.map((t) => t.severity ?? spec.meta.severity)])];
      const all = severities.flatMap((s) => [s, lowerSeverity(s)]);
      return [...new Set(all)].map((severity) => ({ severity, messages: `${judged}.filter(s, s.startsWith(${lit(`${severity}\u001d`)})).map(s, s.substring(${severity.length + 1}))` }));
    },
  };
}
