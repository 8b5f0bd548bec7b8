import type { PodCheck } from '../../engine/types.js';
import { highIdCheck } from '../_lib/high-id.js';

export const check: PodCheck = highIdCheck({
  id: 'CTR-HIGH-GID',
  field: 'runAsGroup',
  title: 'Container primary GID is below 10000',
  attack: 'A primary group that also exists on the node (root is 0, system groups such as docker, adm or disk sit below 1000) gives the container that group\'s access to host files and sockets after an escape or through a host mount.',
  unsetNote: 'the primary group comes from the image (GID 0 when the image does not list the UID)',
  peers: { kubeScore: ['container-security-context-user-group-id'], kubesec: ['RunAsGroup'], trivy: ['KSV021'] },
});
