import { perContainerList, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) =>
      `${c.v}.?env.orValue([]).map(e, e.?valueFrom.?secretKeyRef.hasValue(), ${c.describe} + ': env "' + e.name + '" reads key "' + e.valueFrom.secretKeyRef.key + '" of Secret "' + e.valueFrom.secretKeyRef.?name.orValue('?') + '"') + ${c.v}.?envFrom.orValue([]).map(f, f.?secretRef.hasValue(), ${c.describe} + ': envFrom turns every key of Secret "' + f.secretRef.?name.orValue('?') + '" into an environment variable')`),
};
