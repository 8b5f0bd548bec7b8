/** hostPathVolumes (baseline, v1.0+; replaced by restrictedVolumes in restricted): no spec.volumes[*].hostPath. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import type { PodView } from '../view.js';
import { joinQuote, pluralize } from '../util.js';
import { asList, isSet, asMap, goString } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { failure, joinQuoteCel, pluralizeCel } from '../cel.js';

function check(v: PodView): PssResult | null {
  const volumes = asList(v.spec.volumes);
  if (volumes.length === 0) return null;
  let names: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const vol = asMap(volumes[i]);
    if (!vol || !isSet(vol.hostPath)) continue;
    (names ??= []).push(goString(vol.name));
    (paths ??= []).push(['spec', 'volumes', i, 'hostPath']);
  }
  if (!names) return null;
  return forbidden('hostPathVolumes', 'hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, paths as PssPath[]);
}

function cel(p: PodCel): Cel {
  const names = `${p.spec}.?volumes.orValue([]).map(v, v.?hostPath.hasValue(), v.name)`;
  return bind(names, 'n', failure('n.size() > 0', 'hostPath volumes', `${pluralizeCel('volume', 'volumes', 'n.size()')} + ' ' + ${joinQuoteCel('n')}`));
}

export const hostPathVolumes: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
