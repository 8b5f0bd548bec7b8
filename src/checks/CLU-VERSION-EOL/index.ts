import type { ObjectCheck } from '../../engine/types.js';
import { isFactsObject, observedAt, SERVER_VERSION_KIND, serverVersionOf } from '../_lib/cluster-facts.js';
import { RELEASES_AS_OF, supportedMinors, supportOf } from '../_lib/k8s-support.js';
import { K8S_RELEASES, VERSION_SKEW } from '../_lib/cluster-references.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: [SERVER_VERSION_KIND],
  meta: {
    id: 'CLU-VERSION-EOL',
    title: 'The cluster runs a Kubernetes minor release that no longer gets security patches',
    severity: 'high',
    category: 'cluster',
    attack: 'After its end of life a Kubernetes minor gets no patches: vulnerabilities found later in the API server, kubelet or controllers (privilege escalation, authentication bypass, denial of service) stay open for good, and add-ons drop support for it.',
    remediation: 'Upgrade the control plane and then the nodes, one minor at a time, to a supported minor; keep upgrading at least once a year.',
    references: [K8S_RELEASES, VERSION_SKEW],
    peers: { kubescape: ['C-0273'] },
  },
  cel: { form: 'unsupported', reason: "it judges the cluster's own version (the live /version), not an object admission sees" },
  *check(o) {
    if (!isFactsObject(o, SERVER_VERSION_KIND)) return;
    const v = serverVersionOf(o);
    if (!v) return;
    const at = observedAt(o);
    const s = supportOf(v.minor, at);
    const supported = supportedMinors(at).map((r) => `1.${r.minor}`);
    const upgrade = supported.length ? `; supported minors: ${supported.join(', ')}` : '';
    if (s.status === 'end-of-life') {
      const when = s.release ? ` on ${s.release.endOfLife}` : '';
      yield { message: `Kubernetes ${v.text} reached end of life${when}: it gets no more security patches${upgrade}`, path: ['version', 'gitVersion'] };
    } else if (s.status === 'unknown') {
      yield {
        message: `Kubernetes ${v.text} is newer than kubeharden's release table (as of ${RELEASES_AS_OF}): its support status cannot be assessed — update kubeharden`,
        path: ['version', 'gitVersion'],
        severity: 'info',
      };
    }
  },
};
