import { imageRecords, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) =>
    `${constant('images', imageRecords(pod))}.map(i, i.digest == '' && (i.tag == '' || i.tag == 'latest'), i.describe + (i.tag == '' ? ' uses image "' + i.image + '" without a tag (resolves to :latest)' : ' uses the :latest tag ("' + i.image + '")'))`,
};
