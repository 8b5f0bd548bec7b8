import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { parseImage } from '../../k8s/image.js';
import { IMAGES, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

/**
 * The registered algorithms of the OCI image-spec (descriptor.md, "Digests") and their encoded
 * form: lower-case hex of exactly the hash's length. Anything else after '@' (63 digits,
 * upper-case hex, a sha512 prefix of 64 digits, an unregistered algorithm) is not a pin: a runtime
 * refuses it or it names no single image.
 */
const DIGESTS: Readonly<Record<string, RegExp>> = { sha256: /^[a-f0-9]{64}$/, sha512: /^[a-f0-9]{128}$/ };

function isValidDigest(digest: string): boolean {
  const colon = digest.indexOf(':');
  const pattern = colon > 0 ? DIGESTS[digest.slice(0, colon)] : undefined;
  return pattern !== undefined && pattern.test(digest.slice(colon + 1));
}

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
      if (ref.digest && isValidDigest(ref.digest)) continue;
      const what = ref.digest ? `has a malformed digest ("@${ref.digest}")` : `is referenced by tag only ("${image}")`;
      yield containerFinding(c, `${describeContainer(c)}: image ${what}; pin it with @sha256:…`, [...c.path, 'image']);
    }
  },
};
