import { HOST_PATH, mountSummary, perHostPathVolume, strList, VOL, type CelForm } from '../../k8s/cel.js';
import { SOCKET_DIRS, SOCKETS } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const base = `${HOST_PATH}.substring(${HOST_PATH}.lastIndexOf('/') + 1)`;
    const socket = `${base} in ${strList(SOCKETS)}`;
    const dir = `${HOST_PATH} in ${strList(SOCKET_DIRS)}`;
    return perHostPathVolume(pod, `'volume "' + ${VOL}.name + '" mounts ' + ${VOL}.hostPath.path + ', ' + (${socket} ? 'the ' + ${base} + ' runtime socket' : 'a directory holding container runtime sockets') + ': control of the runtime is root on the node (read-only does not prevent connecting), ' + ${mountSummary(pod)}`, `${socket} || ${dir}`);
  },
};
