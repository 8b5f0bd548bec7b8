import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { parseImage } from '../../k8s/image.js';
import { IMAGES, SLSA_PINNING } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'IMG-PULL-ALWAYS',
    title: 'Image pull policy lets a pod use an image cached on the node',
    severity: 'low',
    category: 'image',
    attack: 'With IfNotPresent or Never, a pod runs whatever image of that name is already on the node: an image planted or left behind by another tenant, or one the pod\'s own pull secret would not be allowed to fetch. Always makes the kubelet re-check registry credentials and the tag\'s current content.',
    remediation: 'Pin the image by digest (then the pull policy does not matter for integrity), or set imagePullPolicy: Always. Enabling the AlwaysPullImages admission plugin enforces this cluster-wide.',
    references: [SLSA_PINNING, IMAGES],
    peers: { checkov: ['CKV_K8S_15'], kubeScore: ['container-image-pull-policy'], polaris: ['pullPolicyNotAlways'], kubescape: ['C-0075'] },
    optIn: true,
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const ref = parseImage(image);
      if (ref.digest) continue; // the content is pinned: a cached copy is the same image
      const policy = c.spec.imagePullPolicy;
      if (policy === 'Always') continue;
      const fix = { description: 'set imagePullPolicy to Always', ops: [{ op: 'set' as const, path: [...c.path, 'imagePullPolicy'], value: 'Always', overwrite: true }] };
      if (policy === undefined || policy === null) {
        // The API server defaults to Always for :latest or no tag, IfNotPresent otherwise.
        if (ref.tag === undefined || ref.tag === 'latest') continue;
        yield containerFinding(c, `${describeContainer(c)}: imagePullPolicy is unset, which defaults to IfNotPresent for the tag "${ref.tag}"`, c.path, fix);
      } else {
        yield containerFinding(c, `${describeContainer(c)}: imagePullPolicy is ${JSON.stringify(policy)} and the image is not pinned by digest`, [...c.path, 'imagePullPolicy'], fix);
      }
    }
  },
};
