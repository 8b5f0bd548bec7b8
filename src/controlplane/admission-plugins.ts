/**
 * Which admission plugins a kube-apiserver command line enables, as the API server computes it
 * (k8s.io/apiserver/pkg/server/options/admission.go enabledPluginNames; plugin lists from
 * pkg/kubeapiserver/options/plugins.go at v1.35): the default-on plugins, plus
 * --enable-admission-plugins, minus --disable-admission-plugins; or exactly the deprecated
 * --admission-control list.
 */
import type { ParsedFlags, ListItem } from './flags/parse.js';

/** Every plugin kube-apiserver v1.35 registers (AllOrderedPlugins). */
export const ALL_PLUGINS: ReadonlySet<string> = new Set([
  'AlwaysAdmit', 'NamespaceAutoProvision', 'NamespaceLifecycle', 'NamespaceExists', 'LimitPodHardAntiAffinityTopology', 'LimitRanger',
  'ServiceAccount', 'NodeRestriction', 'TaintNodesByCondition', 'AlwaysPullImages', 'ImagePolicyWebhook', 'PodSecurity', 'PodNodeSelector',
  'Priority', 'DefaultTolerationSeconds', 'PodTolerationRestriction', 'EventRateLimit', 'ExtendedResourceToleration', 'DefaultStorageClass',
  'StorageObjectInUseProtection', 'OwnerReferencesPermissionEnforcement', 'PersistentVolumeClaimResize', 'RuntimeClass', 'CertificateApproval',
  'CertificateSigning', 'ClusterTrustBundleAttest', 'CertificateSubjectRestriction', 'DefaultIngressClass', 'DenyServiceExternalIPs',
  'PodTopologyLabels', 'NodeDeclaredFeatureValidator', 'MutatingAdmissionPolicy', 'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook', 'ResourceQuota', 'AlwaysDeny',
]);

/** On unless disabled (DefaultOffAdmissionPlugins' complement). */
export const DEFAULT_ON: ReadonlySet<string> = new Set([
  'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'DefaultStorageClass', 'PersistentVolumeClaimResize', 'DefaultTolerationSeconds',
  'MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook', 'ResourceQuota', 'StorageObjectInUseProtection', 'Priority', 'TaintNodesByCondition',
  'RuntimeClass', 'CertificateApproval', 'CertificateSigning', 'ClusterTrustBundleAttest', 'CertificateSubjectRestriction', 'DefaultIngressClass',
  'PodSecurity', 'PodTopologyLabels', 'MutatingAdmissionPolicy', 'ValidatingAdmissionPolicy', 'NodeDeclaredFeatureValidator',
]);

export interface AdmissionState {
  enabled: Set<string>;
  /** The list item that enables or disables a plugin, when a flag names it. */
  enabledBy: Map<string, ListItem>;
  disabledBy: Map<string, ListItem>;
  /** The deprecated --admission-control list is in use (it replaces the defaults). */
  legacy: boolean;
}

export function admissionState(flags: ParsedFlags): AdmissionState {
  const legacy = flags.list('admission-control');
  const enable = legacy ?? flags.list('enable-admission-plugins') ?? [];
  const disable = legacy ? [] : (flags.list('disable-admission-plugins') ?? []);
  const enabledBy = new Map(enable.map((i) => [i.value, i]));
  const disabledBy = new Map(disable.map((i) => [i.value, i]));
  const enabled = new Set<string>(legacy ? [] : DEFAULT_ON);
  for (const i of enable) enabled.add(i.value);
  // enabledPluginNames: disabled = (default-off ∪ disable) − enable, so an enable wins
  // (listing a plugin in both makes the API server refuse to start: CP-CONFIG-INVALID).
  for (const i of disable) if (!enabledBy.has(i.value)) enabled.delete(i.value);
  return { enabled, enabledBy, disabledBy, legacy: legacy !== undefined };
}
