import { concat, describedWhere, effective, ownSets, perContainer, podField, type Cel, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod }) => {
    const userNs = `!${pod.spec}.?hostUsers.orValue(true)`;
    const note = `(${userNs} ? ' (inside a user namespace: not root on the node)' : '')`;
    const podRoot = `${podField(pod, 'runAsUser')}.orValue(-1) == 0`;
    const inherited = describedWhere(pod, (c) => `!${ownSets(c, 'runAsUser')}`);
    const blocked = describedWhere(pod, (c) => `!${ownSets(c, 'runAsUser')} && ${effective(pod, c, 'runAsNonRoot')}.orValue(false)`);
    const findings = (ns: Cel): Cel =>
      concat([
        perContainer(pod, (c) => ({
          when: `${ns} && ${c.v}.?securityContext.?runAsUser.orValue(-1) == 0`,
          message: `${c.describe} + ' sets runAsUser: 0 and runs as root' + ${note} + (${effective(pod, c, 'runAsNonRoot')}.orValue(false) ? '; with runAsNonRoot: true the kubelet refuses to start it' : '')`,
        })),
        `(${ns} && ${podRoot} && (${inherited}).size() > 0) ? ['pod sets runAsUser: 0, inherited by ' + (${inherited}).join(', ') + ((${inherited}).size() == 1 ? ', which runs as root' : ', which run as root') + ${note} + ((${blocked}).size() > 0 ? '; with runAsNonRoot: true the kubelet refuses to start ' + (${blocked}).join(', ') : '')] : []`,
      ]);
    return [
      { messages: findings(`!(${userNs})`) },
      {
        severity: 'low',
        messages: concat([
          findings(userNs),
          `(${podRoot} && (${inherited}).size() == 0) ? ['pod sets runAsUser: 0; every container overrides it, but the restricted policy still rejects the pod and a container added later (e.g. by kubectl debug) would run as root'] : []`,
        ]),
      },
    ];
  },
};
