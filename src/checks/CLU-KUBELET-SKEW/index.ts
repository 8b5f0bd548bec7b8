import type { ObjectCheck } from '../../engine/types.js';
import { asMap, asString } from '../../k8s/json.js';
import { factsOf, parseKubeVersion, SERVER_VERSION_KIND, serverVersionOf } from '../_lib/cluster-facts.js';
import { kubeletSkewAllowed } from '../_lib/k8s-support.js';
import { VERSION_SKEW } from '../_lib/cluster-references.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Node'],
  meta: {
    id: 'CLU-KUBELET-SKEW',
    title: 'A node\'s kubelet is outside the supported version skew from the API server',
    severity: 'medium',
    category: 'cluster',
    attack: 'A kubelet newer than the API server, or more minors older than the skew policy allows, runs an untested combination: API fields are dropped or misread (security settings among them) and old kubelets usually also miss security patches.',
    remediation: 'Upgrade the control plane first, then the nodes; keep every kubelet at most three minors (two before Kubernetes 1.28) older than the API server and never newer.',
    references: [VERSION_SKEW],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'it judges the versions nodes report in their status, which the kubelet writes, not a user' },
  *check(o, ctx) {
    const facts = factsOf(ctx.index, SERVER_VERSION_KIND);
    const server = facts ? serverVersionOf(facts) : undefined;
    if (!server) return; // the API server version is unknown (not a live audit): nothing to compare with
    const kubelet = parseKubeVersion(asString(asMap(asMap(asMap(o.object.status)?.nodeInfo))?.kubeletVersion));
    if (!kubelet || kubelet.major !== server.major) return;
    const allowed = kubeletSkewAllowed(server.minor);
    const path = ['status', 'nodeInfo', 'kubeletVersion'];
    if (kubelet.minor > server.minor) {
      yield { message: `Node "${o.name}" runs kubelet ${kubelet.text}, newer than the API server (${server.text}): a kubelet must never be newer`, path, severity: 'high' };
    } else if (server.minor - kubelet.minor > allowed) {
      yield { message: `Node "${o.name}" runs kubelet ${kubelet.text}, ${server.minor - kubelet.minor} minors older than the API server (${server.text}); at most ${allowed} are supported`, path };
    }
  },
};
