import { imageRecords, lit, type CelForm } from '../../k8s/cel.js';
// The same rule as index.ts's isValidDigest: the OCI registered algorithms, lower-case hex of the hash's length.
import { DIGEST } from '../../images/reference.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) =>
    `${constant('images', imageRecords(pod))}.map(i, i.ref != '' && !(i.digest != '' && i.digest.matches(${lit(DIGEST.source)})), i.describe + ': image ' + (i.digest != '' ? 'has a malformed digest ("@' + i.digest + '")' : 'is referenced by tag only ("' + i.image + '")') + '; pin it with @sha256:…')`,
};
