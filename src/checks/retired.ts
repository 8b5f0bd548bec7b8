/**
 * Check ids that were merged into another check: configurations, `--checks` lists, exemptions
 * and `explain` that name them keep working, on the check that now reports the same fact.
 */
export const RETIRED_CHECKS: Readonly<Record<string, { replacedBy: string; why: string }>> = {
  'APISERVER-ANONYMOUS-PROBE': {
    replacedBy: 'CLU-ANONYMOUS-AUTH',
    why: 'scan --control-plane and audit send one anonymous probe; CLU-ANONYMOUS-AUTH judges it (with the CIS 1.2.1 and NSA/CISA controls APISERVER-ANONYMOUS-PROBE had)',
  },
};

/** The id a check is known by now (ids are matched case-insensitively; others are returned as given). */
export function currentCheckId(id: string): string {
  return RETIRED_CHECKS[id.toUpperCase()]?.replacedBy ?? id;
}
