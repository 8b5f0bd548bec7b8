import { perContainerList, type CelForm } from '../../k8s/cel.js';

/**
 * CEL has no index in a comprehension: an entry's position is its first equal entry's
 * (indexOf), so two entirely equal duplicates give two messages naming the later position.
 */
export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) =>
    perContainerList(pod, (c) => {
      const env = `${c.v}.?env.orValue([])`;
      const names = `${env}.map(x, x.name)`;
      const first = `${names}.indexOf(e.name)`;
      const at = `(${env}.indexOf(e) != ${first} ? ${env}.indexOf(e) : ${env}.lastIndexOf(e))`;
      return `${env}.map(e, ${env}.indexOf(e) != ${first} || ${env}.lastIndexOf(e) != ${first}, ${c.describe} + ': env "' + e.name + '" is defined again at env[' + string(${at}) + '] (first at env[' + string(${first}) + ']); the last definition wins')`;
    }),
};
