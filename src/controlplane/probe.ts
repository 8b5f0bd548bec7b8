/**
 * What live mode observed of a cluster's control plane that no object says: which kubelets'
 * /configz could not be read (and why), and what the server says about who runs the control
 * plane (a managed provider, k3s). A facts object like audit's others (src/checks/_lib/cluster-facts.ts),
 * made by the control-plane collector (src/audit/collectors/control-plane.ts) for `audit` and
 * `scan --control-plane` alike:
 *
 *   apiVersion: audit.kubeharden.io/v1alpha1
 *   kind: ControlPlaneProbe
 *   metadata: {name: cluster, namespace: kube-system}
 *   server: https://…
 *   observedAt: 2026-12-07T10:00:00.000Z
 *   gitVersion: v1.35.1-eks-4a5b6c7
 *   managed: {provider: EKS, evidence: "the server version is v1.35.1-eks-4a5b6c7"}   # when recognized
 *   kubelets: [{node: n1, configz: true}, {node: n2, error: "…"}]
 *
 * It lives in kube-system, where the mirror pods of a kubeadm control plane are: whether the
 * control plane is visible is judged from the pods of that namespace (CP-NOT-ASSESSABLE), so
 * `audit`, which checks a namespace at a time, reaches the verdict of one scan.
 */
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString } from '../k8s/json.js';
import { FACTS_API_VERSION, CONTROL_PLANE_PROBE_KIND, isFactsObject } from '../checks/_lib/cluster-facts.js';

/** Where the probe (and the control plane it looks for) lives. */
export const CONTROL_PLANE_NAMESPACE = 'kube-system';

export interface KubeletProbe {
  node: string;
  configz?: boolean;
  error?: string;
}

export interface ManagedProvider {
  provider: string;
  evidence: string;
}

export interface ControlPlaneFacts {
  server: string;
  gitVersion: string;
  managed?: ManagedProvider;
  kubelets: KubeletProbe[];
}

export function isProbe(o: LoadedObject): boolean {
  return isFactsObject(o, CONTROL_PLANE_PROBE_KIND);
}

/** The facts object the collector writes. */
export function probeObject(facts: ControlPlaneFacts, observedAt: Date): Record<string, unknown> {
  return {
    apiVersion: FACTS_API_VERSION,
    kind: CONTROL_PLANE_PROBE_KIND,
    metadata: { name: 'cluster', namespace: CONTROL_PLANE_NAMESPACE },
    server: facts.server,
    observedAt: observedAt.toISOString(),
    gitVersion: facts.gitVersion,
    ...(facts.managed ? { managed: facts.managed } : {}),
    kubelets: facts.kubelets,
  };
}

/** A probe object's facts, read defensively (it may come from a file). */
export function probeFacts(o: LoadedObject): ControlPlaneFacts {
  const m = asMap(o.object.managed);
  const provider = asString(m?.provider);
  return {
    server: asString(o.object.server) ?? '',
    gitVersion: asString(o.object.gitVersion) ?? '',
    ...(provider ? { managed: { provider, evidence: asString(m?.evidence) ?? '' } } : {}),
    kubelets: asList(o.object.kubelets)
      .map(asMap)
      .filter((k): k is Record<string, unknown> => k !== undefined)
      .map((k) => ({ node: asString(k.node) ?? '?', ...(k.configz === true ? { configz: true } : {}), ...(asString(k.error) ? { error: asString(k.error) } : {}) })),
  };
}

/** Managed control planes, recognized from the version string, the server name and node labels. */
export function managedProvider(gitVersion: string, server: string, nodeLabels: ReadonlyArray<Record<string, string>>): ManagedProvider | undefined {
  const host = (() => {
    try {
      return new URL(server).hostname;
    } catch {
      return '';
    }
  })();
  if (/-eks-/.test(gitVersion)) return { provider: 'EKS', evidence: `the server version is ${gitVersion}` };
  if (/\.eks\.amazonaws\.com$/.test(host)) return { provider: 'EKS', evidence: `the server is ${host}` };
  if (/-gke\./.test(gitVersion)) return { provider: 'GKE', evidence: `the server version is ${gitVersion}` };
  if (/\.azmk8s\.io$/.test(host)) return { provider: 'AKS', evidence: `the server is ${host}` };
  if (nodeLabels.some((l) => 'kubernetes.azure.com/cluster' in l)) return { provider: 'AKS', evidence: 'nodes carry the kubernetes.azure.com/cluster label' };
  if (nodeLabels.some((l) => 'cloud.google.com/gke-nodepool' in l)) return { provider: 'GKE', evidence: 'nodes carry the cloud.google.com/gke-nodepool label' };
  if (nodeLabels.some((l) => 'eks.amazonaws.com/nodegroup' in l)) return { provider: 'EKS', evidence: 'nodes carry the eks.amazonaws.com/nodegroup label' };
  return undefined;
}

/** Why no control plane is visible in the probe's namespace, for CP-NOT-ASSESSABLE. */
export function invisibleReason(f: ControlPlaneFacts): string {
  const none = `no control-plane pods in ${CONTROL_PLANE_NAMESPACE}`;
  if (f.managed) return `${none}, and ${f.managed.evidence}: the provider (${f.managed.provider}) runs the control plane out of sight`;
  if (/\+k3s/.test(f.gitVersion)) return `${none}: k3s (${f.gitVersion}) runs the control plane inside the k3s process; scan its command line on the server with --cmdline /proc/<pid>/cmdline`;
  return `${none}: the control plane does not run as static pods here (or runs on nodes this view cannot see)`;
}
