/** hostNamespaces (baseline, v1.0+): spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import type { PodView } from '../view.js';
import { yamlTrue } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { failure } from '../cel.js';

function check(v: PodView): PssResult | null {
  const spec = v.spec;
  // upstream order (not sorted): hostNetwork, hostPID, hostIPC — as kube-apiserver v1.35 prints it
  const net = yamlTrue(spec.hostNetwork);
  const pid = yamlTrue(spec.hostPID);
  const ipc = yamlTrue(spec.hostIPC);
  if (!net && !pid && !ipc) return null;
  const names: string[] = [];
  if (net) names.push('hostNetwork');
  if (pid) names.push('hostPID');
  if (ipc) names.push('hostIPC');
  const paths: PssPath[] = names.map((n) => ['spec', n]);
  return forbidden('hostNamespaces', 'host namespaces', names.map((n) => `${n}=true`).join(', '), paths);
}

function cel(p: PodCel): Cel {
  const parts = `[${['hostNetwork', 'hostPID', 'hostIPC'].map((f) => `${p.spec}.?${f}.orValue(false) ? '${f}=true' : ''`).join(', ')}].filter(x, x != '')`;
  return bind(parts, 'n', failure('n.size() > 0', 'host namespaces', "n.join(', ')"));
}

export const hostNamespaces: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minVersion: 0, check, cel }],
};
