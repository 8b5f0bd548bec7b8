/**
 * hostPorts (baseline, v1.0+): containers[*].ports[*].hostPort must be unset or 0.
 * With spec.hostNetwork=true the API server defaults hostPort to containerPort for containers and
 * initContainers before admission, so those ports count as host ports too.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { containerPath, nameOf, type PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { asList, yamlTrue, asMap, goString } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { perContainerList, PSA_ORDER } from '../../k8s/cel.js';
import { containersPhrase, failure, pluralizeCel } from '../cel.js';
import { containerList } from '../../k8s/cel.js';

function isHostPort(p: unknown): boolean {
  return p !== undefined && p !== null && p !== 0 && p !== '0';
}

function check(v: PodView): PssResult | null {
  const hostNetwork = yamlTrue(v.spec.hostNetwork);
  let badContainers: string[] | undefined;
  let ports: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < v.count; i++) {
    const list = asList(v.containers[i].ports);
    if (list.length === 0) continue;
    const defaulted = hostNetwork && v.containerKinds[i] !== 'ephemeralContainers';
    let valid = true;
    for (let j = 0; j < list.length; j++) {
      const port = asMap(list[j]);
      if (!port) continue;
      let hostPort = port.hostPort;
      if (defaulted && !isHostPort(hostPort)) hostPort = port.containerPort;
      if (!isHostPort(hostPort)) continue;
      valid = false;
      (ports ??= []).push(goString(hostPort));
      (paths ??= []).push(containerPath(v, i, 'ports', j, 'hostPort'));
    }
    if (!valid) (badContainers ??= []).push(nameOf(v, i));
  }
  if (!badContainers) return null;
  const hostPorts = sortedUnique(ports as string[]);
  return forbidden(
    'hostPorts',
    'hostPort',
    `${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', hostPorts.length)} ${hostPorts.join(', ')}`,
    paths as PssPath[],
  );
}

function cel(p: PodCel): Cel {
  const hostNetwork = `${p.spec}.?hostNetwork.orValue(false)`;
  // With hostNetwork the API server defaults hostPort to containerPort (not for ephemeral containers).
  const hostPort = (kind: string) => (kind === 'ephemeralContainers' ? 'q.?hostPort.orValue(0)' : `((${hostNetwork}) && q.?hostPort.orValue(0) == 0 ? q.?containerPort.orValue(0) : q.?hostPort.orValue(0))`);
  const names = PSA_ORDER.map((k) => `${containerList(p, k)}.map(c, c.?ports.orValue([]).exists(q, ${hostPort(k)} != 0), c.name)`).join(' + ');
  const ports = perContainerList(p, (c) => `${c.v}.?ports.orValue([]).map(q, ${hostPort(c.kind)} != 0, string(${hostPort(c.kind)}))`, PSA_ORDER);
  return bind(`(${names})`, 'n', bind(ports, 'h', failure('n.size() > 0', 'hostPort', `${containersPhrase('n')} + ' ' + ${pluralizeCel('uses', 'use', 'n.size()')} + ' ' + ${pluralizeCel('hostPort', 'hostPorts', 'h.size()')} + ' ' + h.join(', ')`)));
}

export const hostPorts: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
