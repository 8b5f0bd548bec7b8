import { concat, describedWhere, ownSets, perContainer, podField, unlessWindows, when, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const podGroup = podField(pod, 'runAsGroup');
    const inherited = describedWhere(pod, (c) => `!${ownSets(c, 'runAsGroup')} && ${podGroup}.orValue(-1) == 0`);
    const groups = `${podField(pod, 'supplementalGroups')}.orValue([])`;
    return unlessWindows(pod, concat([
      perContainer(pod, (c) => ({ when: `${c.v}.?securityContext.?runAsGroup.orValue(-1) == 0`, message: `${c.describe} + ' sets runAsGroup: 0 (primary group root)'` })),
      when(`${podGroup}.orValue(-1) == 0 && (${inherited}).size() > 0`, `'pod sets runAsGroup: 0 (primary group root), inherited by ' + (${inherited}).join(', ')`),
      when(`${podField(pod, 'fsGroup')}.orValue(-1) == 0`, "'pod sets fsGroup: 0: every container gets the root group as a supplementary group, and volumes are made group-owned by root'"),
      `${groups}.map(g, g == 0, 'pod adds 0 (root) to supplementalGroups of every container')`,
    ]));
  },
};
