import { celImage, perContainer, type CelForm } from '../../k8s/cel.js';

/**
 * The API server defaults imagePullPolicy before admission (Always for :latest and untagged
 * images, IfNotPresent otherwise), so the policy sees the default where the manifest set none:
 * the verdict is the scan's, the message then reads as an explicit IfNotPresent.
 */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainer(pod, (c) => {
      const image = `${c.v}.?image.orValue('')`;
      const i = celImage(image);
      const policy = `${c.v}.?imagePullPolicy`;
      return {
        when: `${image}.trim() != '' && ${i.digest} == '' && ${policy}.orValue('') != 'Always' && !(!${policy}.hasValue() && (${i.tag} == '' || ${i.tag} == 'latest'))`,
        message: `${c.describe} + (${policy}.hasValue() ? ': imagePullPolicy is "' + ${policy}.value() + '" and the image is not pinned by digest' : ': imagePullPolicy is unset, which defaults to IfNotPresent for the tag "' + ${i.tag} + '"')`,
      };
    }),
};
