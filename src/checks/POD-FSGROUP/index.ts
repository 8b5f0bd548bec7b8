import type { PodCheck } from '../../engine/types.js';
import { asInt, asList, asMap, asString, isSet, yamlTrue } from '../../k8s/json.js';
import { effective, podSecurityContext } from '../../k8s/security-context.js';
import type { ContainerRef, PodTarget } from '../../k8s/pod-spec.js';
import { FSGROUP_POLICY, SECURITY_CONTEXT } from '../_lib/references.js';
import { podPath } from '../_lib/pod.js';
import { cel } from './cel.js';

/**
 * Names of the pod's persistent volumes (the ones whose ownership the kubelet manages with fsGroup
 * and that keep their files between pods): persistentVolumeClaim and generic ephemeral volumes, and
 * the volumeClaimTemplates of a StatefulSet-like owner (mounted by name without a pod volume).
 */
function persistentVolumeNames(pod: PodTarget): Set<string> {
  const names = new Set<string>();
  for (const v of asList(pod.spec.volumes)) {
    const m = asMap(v);
    const name = asString(m?.name);
    if (m && name && (isSet(m.persistentVolumeClaim) || isSet(m.ephemeral))) names.add(name);
  }
  if (pod.specPath.length === 3 && pod.specPath[0] === 'spec' && pod.specPath[1] === 'template') {
    const declared = new Set(asList(pod.spec.volumes).map((v) => asString(asMap(v)?.name)));
    for (const t of asList(asMap(pod.owner.object.spec)?.volumeClaimTemplates)) {
      const name = asString(asMap(asMap(t)?.metadata)?.name);
      if (name && !declared.has(name)) names.add(name);
    }
  }
  return names;
}

/** The container runs as a non-root UID: runAsNonRoot is true or runAsUser is a positive number. */
function knownNonRoot(pod: PodTarget, c: ContainerRef): boolean {
  if (yamlTrue(effective(pod, c, 'runAsNonRoot').value)) return true;
  const uid = asInt(effective(pod, c, 'runAsUser').value);
  return uid !== undefined && uid > 0;
}

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'POD-FSGROUP',
    title: 'Persistent volumes mounted without fsGroup (or with the slow Always change policy)',
    severity: 'low',
    category: 'pod-security',
    attack: 'Without fsGroup a non-root container often cannot write its persistent volume, which pushes teams to run it as root or make the volume world-writable. With fsGroup but the default change policy, the kubelet re-chowns every file at each mount, which can delay start-up of large volumes by minutes.',
    remediation: 'Set spec.securityContext.fsGroup to the group the application writes as (10000+, never 0), and fsGroupChangePolicy: OnRootMismatch so ownership is fixed only when the volume root does not already match.',
    references: [FSGROUP_POLICY, SECURITY_CONTEXT],
    peers: {},
  },
  cel,
  *check(pod) {
    if (pod.isWindows) return; // fsGroup does not exist for Windows pods
    const persistent = persistentVolumeNames(pod);
    if (!persistent.size) return;
    const mounted = new Set<string>();
    let nonRootWriter = false;
    for (const c of pod.containers) {
      for (const m of asList(c.spec.volumeMounts)) {
        const name = asString(asMap(m)?.name);
        if (!name || !persistent.has(name)) continue;
        mounted.add(name);
        if (knownNonRoot(pod, c)) nonRootWriter = true;
      }
    }
    if (!mounted.size) return;
    const list = [...mounted].map((n) => `"${n}"`).join(', ');
    const psc = podSecurityContext(pod);
    // fsGroup: 0 is set (CTR-ROOT-GROUP reports the root group).
    if (!isSet(psc?.fsGroup)) {
      // Only a container known to run as non-root needs the group; for root (or an unknown image
      // user) the finding would be speculation, and running as root is reported elsewhere.
      if (!nonRootWriter) return;
      yield { message: `pod mounts persistent volume(s) ${list} but sets no fsGroup: non-root containers may not be able to write them`, path: podPath(pod, 'securityContext', 'fsGroup') };
      return;
    }
    if (!isSet(psc?.fsGroupChangePolicy)) {
      const path = podPath(pod, 'securityContext', 'fsGroupChangePolicy');
      yield {
        message: `pod sets fsGroup without fsGroupChangePolicy: the kubelet re-chowns every file of ${list} at each mount (Always); OnRootMismatch skips that when the volume root already matches`,
        path,
        fix: { description: 'set spec.securityContext.fsGroupChangePolicy to OnRootMismatch', ops: [{ op: 'set', path, value: 'OnRootMismatch' }] },
      };
    }
  },
};
