/**
 * META-IGNORE-UNKNOWN: an ignore.kubeharden.io/<ID> annotation whose ID names no check. It
 * exempts nothing, and the misspelling may hide that the finding it was meant for is still open
 * (or was never reviewed). Former ids count as known: suppression accepts them with a warning.
 */
import type { ObjectCheck, RawFinding } from '../../engine/types.js';
import { IGNORE_PREFIX } from '../../engine/suppress.js';
import type { Path } from '../../load/types.js';

const ANNOTATIONS = { title: 'Kubernetes Annotations', url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/' };

export const check: ObjectCheck = {
  scope: 'object',
  kinds: '*',
  meta: {
    id: 'META-IGNORE-UNKNOWN',
    title: 'Exemption annotation names no check',
    severity: 'low',
    category: 'metadata',
    attack: 'An exemption written for a check id that does not exist (a typo such as IMG-TAGG) exempts nothing: the finding it was meant for stays open while its owners believe it was accepted, and a reviewer reading the manifest is told a decision was made that never took effect.',
    remediation: 'Spell the annotation with an id from `kubeharden checks` (ignore.kubeharden.io/IMG-TAG: "<reason>"), or remove it.',
    references: [ANNOTATIONS],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'it reads the exemption annotations of every kind of object, while the exported policies match only the kinds the checks judge; at admission a misspelt annotation exempts nothing, so the policies enforce the check it meant either way' },
  *check(object, ctx): Iterable<RawFinding> {
    const places: Array<{ annotations: Readonly<Record<string, string>>; metaPath: Path }> = [
      { annotations: object.annotations, metaPath: ['metadata'] },
      ...ctx.index.podsOf(object).map((pod) => ({ annotations: pod.annotations, metaPath: pod.metaPath })),
    ];
    for (const { annotations, metaPath } of places) {
      for (const key of Object.keys(annotations)) {
        if (!key.toLowerCase().startsWith(IGNORE_PREFIX)) continue;
        const id = key.slice(IGNORE_PREFIX.length);
        if (ctx.known.resolve(id)) continue;
        yield { message: `annotation ${key}: no check has the id "${id}"${ctx.known.suggest(id)}, so it exempts nothing`, path: [...metaPath, 'annotations', key] };
      }
    }
  },
};
