/**
 * CTR-HIGH-UID and CTR-HIGH-GID differ only in the field: the effective runAsUser / runAsGroup
 * (container first, then pod) must be at least 10000, so it collides with no user or group of the
 * node (system accounts and the first human users sit far below).
 */
import type { PeerIds, PodCheck } from '../../engine/types.js';
import { describeContainers, offenders } from './inheritance.js';
import { describeContainer } from './pod.js';
import { CIS, NSA_CISA, SECURITY_CONTEXT } from './references.js';
import { effective } from '../../k8s/security-context.js';
import { asInt } from '../../k8s/json.js';
import { concat, describedWhere, effective as celEffective, ownSets, perContainer, podField, str, unlessWindows, when } from '../../k8s/cel.js';

export const MIN_HIGH_ID = 10000;
/** The value fixes set where the field is unset (the common "first ID above 10000"). */
export const DEFAULT_HIGH_ID = 10001;

export function highIdCheck(p: { id: string; field: 'runAsUser' | 'runAsGroup'; title: string; attack: string; unsetNote: string; peers: PeerIds }): PodCheck {
  const what = p.field === 'runAsUser' ? 'UID' : 'GID';
  return {
    scope: 'pod',
    meta: {
      id: p.id,
      title: p.title,
      severity: 'low',
      category: 'container-security',
      attack: p.attack,
      remediation: `Set securityContext.${p.field} to ${MIN_HIGH_ID} or more (for example ${DEFAULT_HIGH_ID}) on the pod or on each container, with an image whose files allow that ${what}.`,
      references: [SECURITY_CONTEXT, NSA_CISA, CIS],
      peers: p.peers,
    },
    cel: {
      form: 'pod',
      findings: ({ pod }) => {
        const podValue = podField(pod, p.field);
        const low = (v: string) => `${v} < ${MIN_HIGH_ID}`;
        const inherited = describedWhere(pod, (c) => `!${ownSets(c, p.field)} && ${podValue}.hasValue() && ${low(`${podValue}.value()`)}`);
        return unlessWindows(pod, concat([
          perContainer(pod, (c) => ({ when: `${ownSets(c, p.field)} && ${low(`${c.v}.securityContext.${p.field}`)}`, message: `${c.describe} + ' sets ${p.field}: ' + ${str(`${c.v}.securityContext.${p.field}`)} + ', below ${MIN_HIGH_ID}'` })),
          when(`${podValue}.hasValue() && ${low(`${podValue}.value()`)} && (${inherited}).size() > 0`, `'pod-level ${p.field}: ' + ${str(`${podValue}.value()`)} + ' (below ${MIN_HIGH_ID}) applies to ' + (${inherited}).join(', ')`),
          // An unset GID is reported only when a UID is set (see the unset case below).
          p.field === 'runAsUser' ? '[]' : perContainer(pod, (c) => ({ when: `!${celEffective(pod, c, p.field)}.hasValue() && ${celEffective(pod, c, 'runAsUser')}.hasValue()`, message: `${c.describe} + ' sets no ${p.field} (pod or container): ${p.unsetNote}'` })),
        ]));
      },
    },
    *check(pod) {
      if (pod.isWindows) return; // Windows uses windowsOptions.runAsUserName; the API rejects runAsUser/runAsGroup there
      const o = offenders(pod, p.field, (v) => {
        const n = asInt(v);
        return n === undefined || n < MIN_HIGH_ID;
      });
      for (const { c, r } of o.own) {
        yield { message: `${describeContainer(c)} sets ${p.field}: ${JSON.stringify(r.value)}, below ${MIN_HIGH_ID}`, path: r.path, container: c.name };
      }
      if (o.inherited.length && o.pod) {
        yield { message: `pod-level ${p.field}: ${JSON.stringify(o.pod.value)} (below ${MIN_HIGH_ID}) applies to ${describeContainers(o.inherited)}`, path: o.pod.path };
      }
      for (const c of o.unset) {
        // An unset UID (and a GID with no UID either) is what CTR-RUN-AS-NON-ROOT and
        // CTR-NONROOT-UNVERIFIABLE report, with the same fix: saying it again here is noise.
        // A UID without a GID is this check's own case: the primary group then comes from the image.
        if (p.field === 'runAsUser' || effective(pod, c, 'runAsUser').from === 'unset') continue;
        const path = [...c.path, 'securityContext', p.field];
        yield {
          message: `${describeContainer(c)} sets no ${p.field} (pod or container): ${p.unsetNote}`,
          path,
          container: c.name,
          fix: { description: `set securityContext.${p.field} to ${DEFAULT_HIGH_ID}`, ops: [{ op: 'set', path, value: DEFAULT_HIGH_ID }] },
        };
      }
    },
  };
}
