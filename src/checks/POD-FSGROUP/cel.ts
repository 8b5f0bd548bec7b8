import { anyContainer, effective, type Cel, type CelContainer, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const volumes = `${pod.spec}.?volumes.orValue([])`;
    // Persistent volumes: claims, generic ephemeral volumes, and a StatefulSet's volumeClaimTemplates mounted by name.
    const templates = pod.shape.kind === 'StatefulSet' ? ` + object.spec.?volumeClaimTemplates.orValue([]).map(t, !(t.metadata.name in ${volumes}.map(v, v.name)), t.metadata.name)` : '';
    const persistent = constant('persistent', `${volumes}.map(v, v.?persistentVolumeClaim.hasValue() || v.?ephemeral.hasValue(), v.name)${templates}`);
    const mountsOf = (c: { v: string }) => `${c.v}.?volumeMounts.orValue([]).exists(m, m.name == n)`;
    const mounted = `${persistent}.filter(n, ${anyContainer(pod, mountsOf)})`;
    const nonRoot = (c: CelContainer): Cel => `(${effective(pod, c, 'runAsNonRoot')}.orValue(false) || ${effective(pod, c, 'runAsUser')}.orValue(0) > 0)`;
    const nonRootWriter = anyContainer(pod, (c) => `${nonRoot(c)} && ${c.v}.?volumeMounts.orValue([]).exists(m, m.name in ${persistent})`);
    const list = `${mounted}.map(n, '"' + n + '"').join(', ')`;
    const fsGroup = `${pod.spec}.?securityContext.?fsGroup`;
    return `(${pod.windows}) || ${mounted}.size() == 0 ? [] : !${fsGroup}.hasValue() ? ((${nonRootWriter}) ? ['pod mounts persistent volume(s) ' + ${list} + ' but sets no fsGroup: non-root containers may not be able to write them'] : []) : !${pod.spec}.?securityContext.?fsGroupChangePolicy.hasValue() ? ['pod sets fsGroup without fsGroupChangePolicy: the kubelet re-chowns every file of ' + ${list} + ' at each mount (Always); OnRootMismatch skips that when the volume root already matches'] : []`;
  },
};
