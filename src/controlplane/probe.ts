/**
 * What live mode observed of a cluster that is not in any object: the answer to an
 * unauthenticated request, whether the control plane runs as mirror pods (and if not, why), and
 * which kubelets' /configz could not be read. One `ControlPlaneProbe` object per scan, so these
 * facts flow through the engine and every reporter like any other object:
 *
 *   apiVersion: kubeharden.io/v1alpha1
 *   kind: ControlPlaneProbe
 *   metadata: {name: <context>}
 *   spec: {server: https://…}
 *   status:
 *     anonymous: {path: /api, code: 403, user: system:anonymous}     # or {path, error}
 *     controlPlane: {mirrorPods: 4}                                   # or {mirrorPods: 0, managed: EKS, reason: …}
 *     kubelets: [{node: n1, configz: true}, {node: n2, error: "…"}]
 */
import type { LoadedObject } from '../load/types.js';
import { asList, asMap, asString } from '../k8s/json.js';
import { isKubehardenKind, PROBE_KIND } from './config-kinds.js';

export interface AnonymousProbe {
  path: string;
  code?: number;
  user?: string;
  error?: string;
}

export interface ControlPlaneVisibility {
  mirrorPods: number;
  managed?: string;
  reason?: string;
}

export interface KubeletProbe {
  node: string;
  configz?: boolean;
  error?: string;
}

export interface ProbeStatus {
  anonymous?: AnonymousProbe;
  controlPlane?: ControlPlaneVisibility;
  kubelets?: KubeletProbe[];
}

function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function isProbe(o: LoadedObject): boolean {
  return isKubehardenKind(o, PROBE_KIND);
}

/** The status of a probe object, read defensively (it may come from a file). */
export function probeStatus(o: LoadedObject): ProbeStatus {
  const status = asMap(o.object.status);
  const anon = asMap(status?.anonymous);
  const cp = asMap(status?.controlPlane);
  return {
    ...(anon ? { anonymous: { path: asString(anon.path) ?? '/api', code: asNumber(anon.code), user: asString(anon.user), error: asString(anon.error) } } : {}),
    ...(cp ? { controlPlane: { mirrorPods: asNumber(cp.mirrorPods) ?? 0, managed: asString(cp.managed), reason: asString(cp.reason) } } : {}),
    kubelets: asList(status?.kubelets).map(asMap).filter((k): k is Record<string, unknown> => k !== undefined).map((k) => ({
      node: asString(k.node) ?? '?',
      configz: k.configz === true,
      error: asString(k.error),
    })),
  };
}
