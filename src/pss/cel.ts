/**
 * Pod Security Admission's wording as CEL, for the controls' CEL forms (check.ts VersionedCheck.cel):
 * pluralize, joinQuote and the `reason (detail)` a failed control reads as. Containers are visited
 * in PSA's order (init containers, containers, ephemeral containers).
 */
import { lit, perContainer, PSA_ORDER, type Cel, type CelContainer, type PodCel } from '../k8s/cel.js';

/** pluralize(singular, plural, n). */
export function pluralizeCel(singular: string, plural: string, n: Cel): Cel {
  return `(${n} == 1 ? ${lit(singular)} : ${lit(plural)})`;
}

/** joinQuote: `"a", "b"`. */
export function joinQuoteCel(list: Cel): Cel {
  return `('"' + ${list}.join('", "') + '"')`;
}

/** The names of the containers (PSA order) for which `cond` holds. */
export function namesWhere(p: PodCel, cond: (c: CelContainer) => Cel): Cel {
  return perContainer(p, (c) => ({ when: cond(c), message: c.name }), PSA_ORDER);
}

/** `reason (detail)` when `failed`, else ''. */
export function failure(failed: Cel, reason: string, detail: Cel): Cel {
  return `((${failed}) ? ${lit(`${reason} (`)} + ${detail} + ')' : '')`;
}

/** `containers "a", "b" <rest>` for a non-empty list of names. */
export function containersPhrase(names: Cel): Cel {
  return `${pluralizeCel('container', 'containers', `${names}.size()`)} + ' ' + ${joinQuoteCel(names)}`;
}

/** The pod's Windows exemption (v1.25+ of several restricted controls). */
export function unlessWindowsPss(p: PodCel, result: Cel): Cel {
  return `((${p.windows}) ? '' : ${result})`;
}

/** spec.hostUsers is false (the user-namespace relaxations of v1.35). */
export function inUserNamespaceCel(p: PodCel): Cel {
  return `!${p.spec}.?hostUsers.orValue(true)`;
}
