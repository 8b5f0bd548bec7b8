import type { PodCheck } from '../../engine/types.js';
import { highIdCheck } from '../_lib/high-id.js';

export const check: PodCheck = highIdCheck({
  id: 'CTR-HIGH-UID',
  field: 'runAsUser',
  title: 'Container UID is below 10000',
  attack: 'A container UID that also exists on the node (system services sit below 1000, the first human users just above) owns that user\'s files and processes after an escape or through a host mount. A UID of 10000 or more collides with nobody.',
  unsetNote: 'the UID comes from the image (often 0)',
  peers: { checkov: ['CKV_K8S_40'], kubeScore: ['container-security-context-user-group-id'], kubesec: ['RunAsUser'], trivy: ['KSV020'] },
});
