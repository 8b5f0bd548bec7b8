import type { PodCheck } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { formatReference } from '../../images/reference.js';
import { formatCounts, formatVulnerability } from '../../images/vuln/evaluate.js';
import { IMAGES, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { IMAGE_SETTINGS, imageGateOf, OPENVEX, TRIVY_JSON } from '../_lib/image-gate.js';

export const check: PodCheck<typeof IMAGE_SETTINGS> = {
  scope: 'pod',
  meta: {
    id: 'IMG-VULN',
    title: 'Image has vulnerabilities the image policy does not allow',
    severity: 'high',
    category: 'image',
    attack: 'A known, published vulnerability in an image is the cheapest way in: exploits for critical CVEs in base images and libraries circulate within days, and a container running one is reachable by anyone who reaches the service.',
    remediation: 'Rebuild the image on a patched base or upgrade the listed packages to the fixed versions, rescan it, and deploy the new digest. A vulnerability that does not affect the image goes in the policy\'s ignore list or an OpenVEX document, with a reason and an expiry.',
    references: [TRIVY_JSON, OPENVEX, NSA_CISA, IMAGES],
    peers: {},
  },
  settings: IMAGE_SETTINGS,
  cel: { form: 'unsupported', reason: 'it judges images by vulnerability reports and registry digests the image gate fetches, which CEL cannot reach' },
  *check(pod, ctx) {
    const gate = imageGateOf(ctx.settings);
    if (!gate?.policy.vulnerabilities) return;
    const v = gate.policy.vulnerabilities;
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const verdict = gate.vulnerabilities(image);
      if (verdict?.kind !== 'report' || verdict.evaluation.violations.length === 0) continue;
      if (gate.exemption(image, 'IMG-VULN')) continue;
      const { evaluation: e, report } = verdict;
      const worst = e.violations.slice(0, v.list).map(formatVulnerability).join('; ');
      const more = e.violations.length > v.list ? `; and ${e.violations.length - v.list} more` : '';
      const which = `${e.violations.length} ${e.violations.length === 1 ? 'vulnerability' : 'vulnerabilities'} at or above ${v.failOn}${v.onlyFixed ? ' with a fix' : ''}`;
      const set = [e.ignored ? `${e.ignored} ignored` : '', e.vexed ? `${e.vexed} not affecting it (VEX)` : ''].filter(Boolean).join(', ');
      const source = `${report.format} report ${report.file}${report.createdAt ? `, ${report.createdAt.toISOString().slice(0, 10)}` : ''}${verdict.by === 'tag' ? ', matched by tag only: tags move' : ''}`;
      yield containerFinding(
        c,
        `${describeContainer(c)}: image ${formatReference(verdict.image, verdict.digest)} has ${which}: ${worst}${more}. All: ${formatCounts(e.counts)}${set ? ` (${set})` : ''} (${source})`,
        [...c.path, 'image'],
      );
    }
  },
};
