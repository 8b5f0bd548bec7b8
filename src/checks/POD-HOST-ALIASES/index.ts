import type { PodCheck } from '../../engine/types.js';
import { asList, asMap, asString, asStringList } from '../../k8s/json.js';
import { HOST_ALIASES } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-HOST-ALIASES',
    title: 'Pod overrides name resolution with hostAliases',
    severity: 'low',
    category: 'network',
    attack: 'hostAliases writes entries into the pod\'s /etc/hosts, which win over DNS: a manifest change can silently redirect a service name (a registry, an identity provider, the API server) to another address, out of sight of DNS policy and monitoring.',
    remediation: 'Remove spec.hostAliases and publish the names in DNS (a Service, an ExternalName Service, or your DNS zone), where they are visible and controlled.',
    references: [HOST_ALIASES],
    peers: { kubesec: ['HostAliases'], trivy: ['KSV007'] },
  },
  cel,
  *check(pod) {
    const aliases = asList(pod.spec.hostAliases);
    if (aliases.length === 0) return;
    const entries = aliases
      .map((a) => asMap(a))
      .filter((a) => a !== undefined)
      .map((a) => `${asStringList(a.hostnames).join(', ') || '(no hostnames)'} → ${asString(a.ip) ?? '?'}`);
    yield {
      message: `pod overrides /etc/hosts with hostAliases${entries.length ? ` (${entries.slice(0, 3).join('; ')}${entries.length > 3 ? `; and ${entries.length - 3} more` : ''})` : ''}`,
      path: podPath(pod, 'hostAliases'),
    };
  },
};
