import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { parseImage } from '../../k8s/image.js';
import { IMAGES, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

/** A digest is `algorithm:hex` (OCI image-spec); anything else after '@' is not a pin. */
export const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'IMG-DIGEST',
    title: 'Image is not pinned by digest',
    severity: 'low',
    category: 'image',
    attack: 'A tag is a mutable pointer: whoever can push to the repository (or compromise the registry) can change what a tag means, and the next pull runs their code. A digest names the exact content.',
    remediation: 'Reference images by digest (image: repo:1.2.3@sha256:<digest>); keep the tag for readability and let a bot (Renovate, Dependabot) update both.',
    references: [IMAGES, NSA_CISA],
    peers: { checkov: ['CKV_K8S_43'], kubescape: ['C-0306'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const ref = parseImage(image);
      if (ref.digest && DIGEST.test(ref.digest)) continue;
      const what = ref.digest ? `has a malformed digest ("@${ref.digest}")` : `is referenced by tag only ("${image}")`;
      yield containerFinding(c, `${describeContainer(c)}: image ${what}; pin it with @sha256:…`, [...c.path, 'image']);
    }
  },
};
