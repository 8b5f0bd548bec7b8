import { any, when, type CelForm } from '../../k8s/cel.js';
import { HOST_NAMESPACES } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const hostUsers = `${pod.spec}.?hostUsers`;
    const hostNamespace = any(HOST_NAMESPACES.map((f) => `${pod.spec}.?${f}.orValue(false)`));
    return when(
      `!(${pod.windows}) && ${hostUsers}.orValue(true) && !(${hostNamespace})`,
      `${hostUsers}.orValue(false) ? 'pod sets hostUsers: true: container UIDs are the node\\'s UIDs, so root in a container is root on the node' : 'pod does not set hostUsers: false: container UIDs are the node\\'s UIDs, so root in a container is root on the node'`,
    );
  },
};
