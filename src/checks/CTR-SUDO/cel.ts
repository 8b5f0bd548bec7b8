import { concat, lit, perContainerList, type CelForm } from '../../k8s/cel.js';
import { COMMAND_LISTS } from './constants.js';

/** SUDO without the look-ahead RE2 lacks: the character after "sudo" is matched instead of looked at. */
const SUDO_RE2 = `(^|[\\s;&|(\`'"])((/[\\w.-]+)*/)?sudo($|[\\s;&|)\`'"])`;

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) =>
      concat(COMMAND_LISTS.map((base) => {
        const list = `${c.v}.${base.map((b) => `?${b}`).join('.')}.orValue([])`;
        const shown = "(s.size() > 80 ? s.substring(0, 77) + '...' : s)";
        return `${list}.map(s, s.matches(${lit(SUDO_RE2)}), ${c.describe} + ' runs sudo in ${base.join('.')}[' + string(${list}.indexOf(s)) + ']: "' + ${shown} + '"')`;
      }))),
};
