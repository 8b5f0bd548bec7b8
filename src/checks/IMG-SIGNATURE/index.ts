import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { formatReference } from '../../images/reference.js';
import { IMAGES } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { IMAGE_SETTINGS, imageGateOf, K8S_VERIFY_SIGNED, SIGSTORE_VERIFY } from '../_lib/image-gate.js';

const WHY: Record<string, string> = {
  unsigned: 'is not signed',
  'wrong-key': 'is not signed by a trusted key',
  'digest-mismatch': 'carries a signature for another digest',
  invalid: 'has an unusable signature',
};

export const check: PodCheck<typeof IMAGE_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'IMG-SIGNATURE',
    title: 'Image is not signed by a trusted key',
    severity: 'high',
    category: 'image',
    attack: 'Without a verified signature anything that can push to the registry, or sit between the registry and the node, decides what runs: a compromised CI token, a typo-squatted repository or a tampered mirror. A signature from the pipeline\'s key, checked against the exact digest that runs, admits only what the pipeline built.',
    remediation: 'Sign the image in the pipeline (cosign sign --key …, or a Sigstore bundle), reference it by digest (or let the mutating webhook pin it), and make sure the policy\'s signatures rule lists the signing public key.',
    references: [SIGSTORE_VERIFY, K8S_VERIFY_SIGNED, IMAGES],
    peers: {},
  },
  settings: IMAGE_SETTINGS,
  cel: { form: 'unsupported', reason: 'it verifies image signatures fetched from registries, which CEL cannot reach' },
  *check(pod, ctx) {
    const gate = imageGateOf(ctx.settings);
    if (!gate || gate.policy.signatures.length === 0) return;
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const s = gate.signature(image);
      if (!s) continue;
      if (s.kind === 'checked' && s.verdict.result === 'verified') continue;
      if (gate.exemption(image, 'IMG-SIGNATURE')) continue;
      const path = [...c.path, 'image'];
      if (s.kind === 'unverifiable') {
        // Fail open admits it (the gate records a warning); fail closed treats it as unsigned.
        if (gate.policy.failMode === 'open') continue;
        const what = s.image ? formatReference(s.image, s.digest) : `"${image}"`;
        yield containerFinding(c, `${describeContainer(c)}: the signature of image ${what} could not be verified (rule "${s.rule}", failMode closed): ${s.reason}`, path);
        continue;
      }
      yield containerFinding(c, `${describeContainer(c)}: image ${formatReference(s.image, s.digest)} ${WHY[s.verdict.result]} (rule "${s.rule}"): ${s.verdict.detail ?? s.verdict.result}`, path);
    }
  },
};
