import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { formatReference } from '../../images/reference.js';
import { IMAGES, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { IMAGE_SETTINGS, imageGateOf, TRIVY_JSON } from '../_lib/image-gate.js';

export const check: PodCheck<typeof IMAGE_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'IMG-VULN-REPORT',
    title: 'Image has no current vulnerability report',
    severity: 'high',
    category: 'image',
    attack: 'An image nobody scanned is not a clean image: its vulnerabilities are simply unknown. A gate that admits unscanned images is bypassed by deploying an image the pipeline never saw, or by retagging after the scan.',
    remediation: 'Scan the image (trivy image -f json, or grype -o json) and add the report to the policy\'s reports; reference the image by the digest that was scanned. Lower this check\'s severity (checks.severity) only if unscanned images are acceptable.',
    references: [TRIVY_JSON, NSA_CISA, IMAGES],
    peers: {},
  },
  settings: IMAGE_SETTINGS,
  cel: { form: 'unsupported', reason: 'it judges images by vulnerability reports and registry digests the image gate fetches, which CEL cannot reach' },
  *check(pod, ctx) {
    const gate = imageGateOf(ctx.settings);
    if (!gate?.policy.vulnerabilities) return;
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const verdict = gate.vulnerabilities(image);
      if (verdict?.kind !== 'no-report') continue;
      if (gate.exemption(image, 'IMG-VULN-REPORT')) continue;
      const what = verdict.image ? formatReference(verdict.image, verdict.digest) : `"${image}"`;
      yield containerFinding(c, `${describeContainer(c)}: image ${what} has no usable vulnerability report: ${verdict.reason}. An unscanned image is not a clean one`, [...c.path, 'image']);
    }
  },
};
