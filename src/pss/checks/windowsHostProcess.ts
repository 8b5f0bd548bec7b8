/** windowsHostProcess (baseline, v1.0+): neither the pod nor a container may set windowsOptions.hostProcess=true. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize } from '../util.js';
import { yamlTrue, asMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { containersPhrase, failure, namesWhere } from '../cel.js';

function check(v: PodView): PssResult | null {
  let bad: number[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const sc = v.securityContexts[i];
    const wo = sc === undefined ? undefined : asMap(sc.windowsOptions);
    if (wo && yamlTrue(wo.hostProcess)) (bad ??= []).push(i);
  }
  const podWo = v.podSecurityContext ? asMap(v.podSecurityContext.windowsOptions) : undefined;
  const podBad = podWo !== undefined && yamlTrue(podWo.hostProcess);
  if (!podBad && !bad) return null;
  const setters: string[] = [];
  const paths: PssPath[] = [];
  if (podBad) {
    setters.push('pod');
    paths.push(['spec', 'securityContext', 'windowsOptions', 'hostProcess']);
  }
  if (bad) {
    const names = bad.map((i) => nameOf(v, i));
    setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
    for (const i of bad) paths.push(containerPath(v, i, 'securityContext', 'windowsOptions', 'hostProcess'));
  }
  return forbidden('windowsHostProcess', 'hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, paths);
}

function cel(p: PodCel): Cel {
  const podBad = `${p.spec}.?securityContext.?windowsOptions.?hostProcess.orValue(false)`;
  const names = namesWhere(p, (c) => `${c.v}.?securityContext.?windowsOptions.?hostProcess.orValue(false)`);
  const setters = bind(names, 'n', `[${podBad} ? 'pod' : '', n.size() > 0 ? ${containersPhrase('n')} : ''].filter(x, x != '')`);
  return bind(setters, 's', failure('s.size() > 0', 'hostProcess', "s.join(' and ') + ' must not set securityContext.windowsOptions.hostProcess=true'"));
}

export const windowsHostProcess: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
