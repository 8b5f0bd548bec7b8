import { celImage, perContainer, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainer(pod, (c) => {
      const image = `${c.v}.?image.orValue('')`;
      const i = celImage(image);
      return {
        when: `${c.v}.?image.hasValue() && ${i.digest} == '' && (${i.tag} == '' || ${i.tag} == 'latest')`,
        message: `${c.describe} + (${i.tag} == '' ? ' uses image "' + ${image} + '" without a tag (resolves to :latest)' : ' uses the :latest tag ("' + ${image} + '")')`,
      };
    }),
};
