/**
 * The configuration files of the control plane and the kubelet are Kubernetes-style objects:
 * recognized by kind and API group (a kind name alone is ambiguous: Kyverno also has a `Policy`).
 */
import type { LoadedObject } from '../load/types.js';

export const CONFIG_KINDS = {
  EncryptionConfiguration: ['apiserver.config.k8s.io'],
  Policy: ['audit.k8s.io'],
  AuthenticationConfiguration: ['apiserver.config.k8s.io'],
  AuthorizationConfiguration: ['apiserver.config.k8s.io'],
  AdmissionConfiguration: ['apiserver.config.k8s.io', 'apiserver.k8s.io'],
  KubeletConfiguration: ['kubelet.config.k8s.io'],
  KubeSchedulerConfiguration: ['kubescheduler.config.k8s.io'],
} as const;

export type ConfigKind = keyof typeof CONFIG_KINDS;

/** kubeharden's own kinds: a process's command line, and what live mode observed of a cluster. */
export const KUBEHARDEN_GROUP = 'kubeharden.io';
export const PROCESS_KIND = 'ProcessCommandLine';
export const PROBE_KIND = 'ControlPlaneProbe';

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function isConfigKind(o: LoadedObject, kind: ConfigKind): boolean {
  return o.kind === kind && (CONFIG_KINDS[kind] as readonly string[]).includes(groupOf(o.apiVersion));
}

export function isKubehardenKind(o: LoadedObject, kind: string): boolean {
  return o.kind === kind && groupOf(o.apiVersion) === KUBEHARDEN_GROUP;
}

/** "the EncryptionConfiguration in enc.yaml" for messages. */
export function describeFile(o: LoadedObject): string {
  return `${o.kind}${o.name ? ` "${o.name}"` : ''} in ${o.source.file}`;
}
