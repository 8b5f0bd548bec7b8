import type { PodCheck } from '../../engine/types.js';
import { asMap } from '../../k8s/json.js';
import { PROBES, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';

const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;
/** Probes (a container field) and lifecycle handlers (under `lifecycle`), in report order. */
const HANDLER_PATHS: ReadonlyArray<readonly string[]> = [...PROBE_FIELDS.map((p) => [p]), ...HANDLERS.map((h) => ['lifecycle', h])];

/** The host as Go would hold the string field ("" when unset). */
function hostOf(v: unknown): string {
  if (typeof v === 'string') return v;
  return typeof v === 'number' ? String(v) : '';
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-HOST-PROBES',
    title: 'Probe or lifecycle handler targets another host',
    severity: 'medium',
    category: 'host-isolation',
    attack: 'The kubelet runs httpGet and tcpSocket probes and lifecycle handlers from the node, so a host field makes it connect wherever the manifest says: node-local services on 127.0.0.1, the cloud metadata endpoint or other internal addresses (server-side request forgery with the node\'s network position).',
    remediation: 'Remove httpGet.host and tcpSocket.host from probes and lifecycle handlers so the kubelet targets the pod\'s own IP. To send a virtual-host name, set an httpHeaders entry "Host" instead.',
    references: [PSS_BASELINE, PROBES],
    peers: {},
    pss: 'baseline',
  },
  *check(pod) {
    // Pod Security Admission added this control in v1.34; the exposure exists in every version.
    for (const c of pod.containers) {
      const lifecycle = asMap(c.spec.lifecycle);
      // Indexed loops: for-of over an array inside a generator allocates an iterator result per step.
      for (let h = 0; h < HANDLER_PATHS.length; h++) {
        const base = HANDLER_PATHS[h];
        const hm = asMap(base.length === 1 ? c.spec[base[0]] : lifecycle?.[base[1]]);
        if (!hm) continue;
        for (let a = 0; a < ACTIONS.length; a++) {
          const action = ACTIONS[a];
          const host = hostOf(asMap(hm[action])?.host);
          if (host === '') continue;
          yield containerFinding(
            c,
            `${describeContainer(c)} ${base.join('.')}.${action}.host is "${host}": the kubelet connects to it from the node, not to the pod`,
            [...c.path, ...base, action, 'host'],
          );
        }
      }
    }
  },
};
