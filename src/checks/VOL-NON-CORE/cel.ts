import { lit, type CelForm } from '../../k8s/cel.js';
import { ALLOWED_VOLUME_TYPES, RESTRICTED_VOLUME_TYPES } from '../../pss/checks/restrictedVolumes.js';
import { CONCERN } from './constants.js';

/** restrictedVolumeType(): the first restricted source set on a volume none of whose sources is allowed; hostPath is VOL-HOSTPATH's. */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const allowed = ALLOWED_VOLUME_TYPES.map((t) => `v.?${t}.hasValue()`).join(' || ');
    const type = RESTRICTED_VOLUME_TYPES.reduceRight((els, t) => `(v.?${t}.hasValue() ? ${lit(t)} : ${els})`, "''");
    const concern = RESTRICTED_VOLUME_TYPES.reduceRight((els, t) => `(v.?${t}.hasValue() ? ${lit(CONCERN[t])} : ${els})`, "''");
    return `${pod.spec}.?volumes.orValue([]).map(v, !(${allowed}) && !(${type} in ['', 'hostPath']), 'volume "' + v.name + '" is ' + ${type} + ': ' + ${concern})`;
  },
};
