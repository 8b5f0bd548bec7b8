/** The three host-namespace checks differ only in the field and the attack they stop. */
import type { PeerIds, PodCheck } from '../../engine/types.js';
import { CIS, NSA_CISA, PSS_BASELINE } from './references.js';
import { podPath } from './pod.js';
import { lit, when } from '../../k8s/cel.js';

export function hostNamespaceCheck(p: { id: string; field: 'hostNetwork' | 'hostPID' | 'hostIPC'; title: string; attack: string; peers: PeerIds }): PodCheck {
  return {
    scope: 'pod',
    meta: {
      id: p.id,
      title: p.title,
      severity: 'high',
      category: 'host-isolation',
      attack: p.attack,
      remediation: `Remove spec.${p.field} (or set it to false). Workloads that truly need the host's namespace belong in a dedicated, tightly controlled namespace with an exemption that names the reason.`,
      references: [PSS_BASELINE, NSA_CISA, CIS],
      peers: p.peers,
      pss: 'baseline',
    },
    cel: {
      form: 'pod',
      findings: ({ pod }) => when(`${pod.spec}.?${p.field}.orValue(false)`, lit(`${p.field}: true shares the node's ${p.field === 'hostNetwork' ? 'network' : p.field === 'hostPID' ? 'process' : 'IPC'} namespace with every container of this pod`)),
    },
    *check(pod) {
      if (pod.spec[p.field] === true) {
        yield {
          message: `${p.field}: true shares the node's ${p.field === 'hostNetwork' ? 'network' : p.field === 'hostPID' ? 'process' : 'IPC'} namespace with every container of this pod`,
          path: podPath(pod, p.field),
          fix: { description: `set spec.${p.field} to false`, ops: [{ op: 'set', path: podPath(pod, p.field), value: false, overwrite: true }] },
        };
      }
    },
  };
}
