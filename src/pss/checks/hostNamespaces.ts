/** hostNamespaces (baseline, v1.0+): spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false. */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import { isTrue } from '../util.js';
import type { PodView } from '../view.js';

function check(v: PodView): PssResult | null {
  const spec = v.spec;
  // sorted like sets.String.List(): hostIPC < hostNetwork < hostPID
  const ipc = isTrue(spec.hostIPC);
  const net = isTrue(spec.hostNetwork);
  const pid = isTrue(spec.hostPID);
  if (!ipc && !net && !pid) return null;
  const names: string[] = [];
  const paths: PssPath[] = [];
  if (ipc) names.push('hostIPC');
  if (net) names.push('hostNetwork');
  if (pid) names.push('hostPID');
  for (const n of names) paths.push(['spec', n]);
  return forbidden('hostNamespaces', 'host namespaces', names.map((n) => `${n}=true`).join(', '), paths);
}

export const hostNamespaces: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minVersion: 0, check }],
};
