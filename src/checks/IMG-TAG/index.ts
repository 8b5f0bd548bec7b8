import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { parseImage } from '../../k8s/image.js';
import { IMAGES, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'IMG-TAG',
    title: 'Image uses the latest tag or no tag',
    severity: 'medium',
    category: 'image',
    attack: 'A floating tag means the code that runs is whatever was pushed last: a compromised registry account or a bad push reaches production on the next restart, and nobody can tell which code ran.',
    remediation: 'Reference a specific version tag, and pin it by digest (image: repo:1.2.3@sha256:...) for supply-chain integrity.',
    references: [IMAGES, NSA_CISA],
    peers: { checkov: ['CKV_K8S_14'], kubeLinter: ['latest-tag'], kubeScore: ['container-image-tag'], polaris: ['tagNotSpecified'], trivy: ['KSV013'], kubescape: ['C-0075'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined) continue;
      const ref = parseImage(image);
      if (ref.digest) continue; // a digest pins the content whatever the tag says
      if (ref.tag === undefined) yield containerFinding(c, `${describeContainer(c)} uses image "${image}" without a tag (resolves to :latest)`, [...c.path, 'image']);
      else if (ref.tag === 'latest') yield containerFinding(c, `${describeContainer(c)} uses the :latest tag ("${image}")`, [...c.path, 'image']);
    }
  },
};
