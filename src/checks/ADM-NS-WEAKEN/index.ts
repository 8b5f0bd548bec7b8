/**
 * ADM-NS-WEAKEN: a Namespace change that lowers the Pod Security level its pods are held to.
 * A change check: it compares the Namespace with the version it replaces, so only the webhook
 * runs it. The webhook also reports, under this id, a kubeharden.io/enforce label that picks a
 * weaker profile of its policy (admission/review.ts: profiles are the policy's, not the object's).
 */
import type { ChangeCheck, RawFinding } from '../../engine/types.js';
import { namespacePolicy, PSS_LABEL_PREFIX, type PssLevel } from '../../pss/index.js';
import { PSS } from '../_lib/references.js';

const LEVEL_RANK: Readonly<Record<PssLevel, number>> = { privileged: 0, baseline: 1, restricted: 2 };
const PSA_LABELS = { title: 'Enforce Pod Security Standards with Namespace Labels', url: 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/' };

export const check: ChangeCheck = {
  scope: 'change',
  kinds: ['Namespace'],
  meta: {
    id: 'ADM-NS-WEAKEN',
    title: 'Namespace label change weakens Pod Security',
    severity: 'high',
    category: 'pod-security',
    attack: 'Whoever may edit a Namespace can relabel it pod-security.kubernetes.io/enforce=privileged (or pick a laxer kubeharden profile) and then run privileged pods there: every control that holds for pods is undone by one label change on their namespace.',
    remediation: 'Keep the namespace at least as strict as it was. Relaxing it is a cluster-admin decision: a user exempt in the admission policy (exemptions.usernames) or a policy change.',
    references: [PSA_LABELS, PSS],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'a change check (a Namespace against the version it replaces): the exporter writes policies over pod specs and single objects, not over an update\'s old and new object' },
  *check({ object, before }): Iterable<RawFinding> {
    if (!before) return; // a new namespace lowers nothing (its kubeharden.io labels are judged by the webhook)
    const prev = namespacePolicy(before.labels).enforce;
    const next = namespacePolicy(object.labels).enforce;
    if (LEVEL_RANK[next.level] >= LEVEL_RANK[prev.level]) return;
    yield {
      message: `namespace "${object.name}" lowers ${PSS_LABEL_PREFIX}enforce from ${prev.level} to ${next.level}${next.levelLabel ? '' : ' (label removed)'}`,
      path: ['metadata', 'labels', `${PSS_LABEL_PREFIX}enforce`],
    };
  },
};
