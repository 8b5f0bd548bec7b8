import { imageRecords, lit, type CelForm } from '../../k8s/cel.js';
import { DIGEST } from './index.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) =>
    `${constant('images', imageRecords(pod))}.map(i, i.ref != '' && !(i.digest != '' && i.digest.matches(${lit(DIGEST.source)})), i.describe + ': image ' + (i.digest != '' ? 'has a malformed digest ("@' + i.digest + '")' : 'is referenced by tag only ("' + i.image + '")') + '; pin it with @sha256:…')`,
};
