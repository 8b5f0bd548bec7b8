import { celImage, lit, perContainer, type CelForm } from '../../k8s/cel.js';
import { DIGEST } from './index.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainer(pod, (c) => {
      const image = `${c.v}.?image.orValue('')`;
      const i = celImage(image);
      return {
        when: `${image}.trim() != '' && !(${i.digest} != '' && ${i.digest}.matches(${lit(DIGEST.source)}))`,
        message: `${c.describe} + ': image ' + (${i.digest} != '' ? 'has a malformed digest ("@' + ${i.digest} + '")' : 'is referenced by tag only ("' + ${image} + '")') + '; pin it with @sha256:…'`,
      };
    }),
};
