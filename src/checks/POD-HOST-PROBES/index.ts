import type { PodCheck } from '../../engine/types.js';
import { asMap } from '../../k8s/json.js';
import { PROBES, PSS_BASELINE } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { enforcesPssControls } from '../_lib/pss-control.js';
import { actionHost, HOST_ACTIONS } from '../../pss/index.js';
import { cel } from './cel.js';
import { HANDLER_PATHS } from './constants.js';

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
    ...enforcesPssControls('hostProbesAndHostLifecycle'),
  },
  cel,
  *check(pod) {
    // Pod Security Admission added this control in v1.34; the exposure exists in every version.
    for (const c of pod.containers) {
      const lifecycle = asMap(c.spec.lifecycle);
      for (const base of HANDLER_PATHS) {
        const handler = asMap(base.length === 1 ? c.spec[base[0]] : lifecycle?.[base[1]]);
        if (!handler) continue;
        for (const action of HOST_ACTIONS) {
          const host = actionHost(handler, action);
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
