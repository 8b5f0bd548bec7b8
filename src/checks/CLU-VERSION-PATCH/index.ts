import type { ObjectCheck } from '../../engine/types.js';
import { isFactsObject, SERVER_VERSION_KIND, serverVersionOf } from '../_lib/cluster-facts.js';
import { minorRelease, RELEASES_AS_OF } from '../_lib/k8s-support.js';
import { PATCH_RELEASES } from '../_lib/cluster-references.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: [SERVER_VERSION_KIND],
  meta: {
    id: 'CLU-VERSION-PATCH',
    title: 'The cluster is behind the latest patch release of its Kubernetes minor',
    severity: 'medium',
    category: 'cluster',
    attack: 'Patch releases are where Kubernetes ships its security fixes; a control plane behind the latest patch of its minor runs with the vulnerabilities fixed since, which are public once the patch is out.',
    remediation: 'Apply the latest patch release of the minor (patch upgrades within a minor are safe and routine); on a managed service, move to its newest patch version.',
    references: [PATCH_RELEASES],
    peers: {},
  },
  cel: { form: 'unsupported', reason: "it judges the cluster's own version (the live /version), not an object admission sees" },
  *check(o) {
    if (!isFactsObject(o, SERVER_VERSION_KIND)) return;
    const v = serverVersionOf(o);
    if (!v) return;
    const r = minorRelease(v.minor);
    if (!r || v.patch >= r.latestPatch) return;
    yield {
      message: `Kubernetes ${v.text} is behind v1.${r.minor}.${r.latestPatch}, the latest patch of 1.${r.minor} (released ${r.latestPatchReleased}; kubeharden's release table is as of ${RELEASES_AS_OF})`,
      path: ['version', 'gitVersion'],
    };
  },
};
