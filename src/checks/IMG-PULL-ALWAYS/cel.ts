import { imageRecords, type CelForm } from '../../k8s/cel.js';

/**
 * The API server defaults imagePullPolicy before admission (Always for :latest and untagged
 * images, IfNotPresent otherwise), so the policy sees the default where the manifest set none:
 * the verdict is the scan's, the message then reads as an explicit IfNotPresent.
 */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) =>
    `${constant('images', imageRecords(pod))}.map(i, i.ref != '' && i.digest == '' && i.pull != 'Always' && !(i.pull == '' && (i.tag == '' || i.tag == 'latest')), i.describe + (i.pull != '' ? ': imagePullPolicy is "' + i.pull + '" and the image is not pinned by digest' : ': imagePullPolicy is unset, which defaults to IfNotPresent for the tag "' + i.tag + '"'))`,
};
