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

export const hostPorts: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minVersion: 0, check }],
};
