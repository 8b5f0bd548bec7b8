/** The ports of a container, read defensively. */
import type { Path } from '../../load/types.js';
import type { ContainerRef } from '../../k8s/pod-spec.js';
import { asInt, asList, asMap, asString } from '../../k8s/json.js';

export interface PortRef {
  index: number;
  path: Path;
  containerPort: number | undefined;
  hostPort: number | undefined;
  /** TCP unless set (the API default). */
  protocol: string;
  name: string | undefined;
}

export function portsOf(c: ContainerRef): PortRef[] {
  const out: PortRef[] = [];
  const list = asList(c.spec.ports);
  for (let i = 0; i < list.length; i++) {
    const p = asMap(list[i]);
    if (!p) continue;
    out.push({ index: i, path: [...c.path, 'ports', i], containerPort: asInt(p.containerPort), hostPort: asInt(p.hostPort), protocol: asString(p.protocol) || 'TCP', name: asString(p.name) });
  }
  return out;
}
