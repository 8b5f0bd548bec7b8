import type { PodCheck } from '../../engine/types.js';
import { hostPathVolumes, mountSummary } from '../_lib/host-path.js';
import { HOSTPATH, MOUNT_SERVICE_PRINCIPAL } from '../_lib/references.js';
import { describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';
import { CREDENTIALS, GENERIC } from './constants.js';

function segments(p: string): string[] {
  return p.split('/').filter(Boolean);
}

function segMatch(pattern: string, seg: string): boolean {
  return pattern === '*' || pattern === seg;
}

/** The path is the credential location or below it. */
function atOrUnder(p: string[], pattern: string[]): boolean {
  return p.length >= pattern.length && pattern.every((s, i) => segMatch(s, p[i]));
}

/** The path is a directory above the credential location. */
function above(p: string[], pattern: string[]): boolean {
  return p.length < pattern.length && p.every((s, i) => segMatch(pattern[i], s));
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'VOL-CLOUD-CREDS',
    title: 'hostPath volume exposes cloud credentials of the node',
    severity: 'medium',
    category: 'secrets',
    attack: 'Nodes keep cloud credentials on disk (the AKS service principal in /etc/kubernetes/azure.json, cloud-provider configs, CLI credentials in home directories). A container that mounts them can act on the cloud account with the cluster\'s own identity, usually with rights over the whole resource group.',
    remediation: 'Remove the hostPath volume. Give the workload its own cloud identity instead (EKS Pod Identity or IRSA, Azure Workload Identity, GKE Workload Identity) and block the instance metadata endpoint with a NetworkPolicy.',
    references: [MOUNT_SERVICE_PRINCIPAL, HOSTPATH],
    peers: { kubescape: ['C-0020'] },
  },
  cel,
  *check(pod) {
    for (const v of hostPathVolumes(pod)) {
      if (GENERIC.has(v.hostPath)) continue;
      const p = segments(v.hostPath);
      const hits = CREDENTIALS.filter((c) => atOrUnder(p, segments(c.path)) || above(p, segments(c.path)));
      if (!hits.length) continue;
      const what = [...new Set(hits.map((h) => h.what))].slice(0, 3).join('; ');
      yield { message: `volume "${v.name}" mounts host path ${v.raw}, which holds ${what}; ${mountSummary(v, describeContainer)}`, path: v.fieldPath };
    }
  },
};
