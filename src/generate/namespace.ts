/**
 * A namespace for one application, zero trust from the start: Pod Security Admission labels
 * (enforce, audit and warn), default-deny NetworkPolicies with DNS, a LimitRange giving every
 * container requests and a memory limit, and a ResourceQuota.
 *
 * Resource choices (override with --quota KEY=VALUE, or leave out with --no-quota / --no-limits):
 *   LimitRange "container-defaults": default requests cpu 100m, memory 128Mi; default limit
 *     memory 512Mi. No CPU limit: CPU is compressible, and CFS throttling hurts latency more than
 *     a noisy neighbour does; the CPU request already guarantees a share.
 *   ResourceQuota "namespace-quota": requests.cpu 4, requests.memory 8Gi, limits.memory 16Gi,
 *     pods 50, services.loadbalancers 0, services.nodeports 0 (expose through an Ingress or
 *     Gateway), persistentvolumeclaims 10, requests.storage 100Gi.
 */
import type { Generated } from './emit.js';
import { meta } from './model.js';
import { defaultDenyPolicies } from './networkpolicies.js';

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export interface NamespaceOptions {
  pss?: PssLevel;
  /** Policy version for enforce ('latest' or v1.N); audit and warn always use latest. */
  pssVersion?: string;
  quota?: Record<string, string> | false;
  limits?: boolean;
  networkPolicies?: boolean;
}

export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.memory': '16Gi',
  pods: '50',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  persistentvolumeclaims: '10',
  'requests.storage': '100Gi',
};

const QUOTA_ALIASES: Readonly<Record<string, string>> = { cpu: 'requests.cpu', memory: 'requests.memory' };

/** `--quota cpu=8,memory=16Gi` → quota keys. */
export function parseQuota(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs.flatMap((p) => p.split(','))) {
    const t = pair.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`--quota expects KEY=VALUE (e.g. requests.cpu=8), got "${t}"`);
    const k = t.slice(0, eq).trim();
    const v = t.slice(eq + 1).trim();
    if (!/^[0-9]+(\.[0-9]+)?([munkMGTPE]|[KMGTPE]i)?$/.test(v)) throw new Error(`--quota ${k}: "${v}" is not a Kubernetes quantity`);
    out[QUOTA_ALIASES[k] ?? k] = v;
  }
  return out;
}

/** The PSA labels for a level: enforce at `version`, audit and warn at latest. */
export function pssLabels(level: PssLevel, version = 'latest'): Record<string, string> {
  const p = 'pod-security.kubernetes.io';
  return {
    [`${p}/enforce`]: level,
    [`${p}/enforce-version`]: version,
    [`${p}/audit`]: level,
    [`${p}/audit-version`]: 'latest',
    [`${p}/warn`]: level,
    [`${p}/warn-version`]: 'latest',
  };
}

export function namespaceObject(name: string, level: PssLevel, version = 'latest'): Generated {
  return {
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...meta(name, '').labels as Record<string, string>, ...pssLabels(level, version) } } },
    comment: `Namespace ${name}: Pod Security Admission enforces "${level}" (policy ${version}); audit and warn use the latest policy so upgrades show up before they bite.`,
  };
}

export function generateNamespace(name: string, opts: NamespaceOptions = {}): Generated[] {
  const level = opts.pss ?? 'restricted';
  const out: Generated[] = [namespaceObject(name, level, opts.pssVersion)];
  if (opts.networkPolicies !== false) out.push(...defaultDenyPolicies(name));
  if (opts.limits !== false) {
    out.push({
      object: {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: meta('container-defaults', name),
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { memory: '512Mi' } }] },
      },
      comment: 'Containers that set no resources get requests (cpu 100m, memory 128Mi) and a memory limit (512Mi). No default CPU limit: throttling costs more than it protects.',
    });
  }
  if (opts.quota !== false) {
    out.push({
      object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('namespace-quota', name), spec: { hard: { ...DEFAULT_QUOTA, ...(opts.quota ?? {}) } } },
      comment: 'Caps what the namespace can take from the cluster. No LoadBalancer or NodePort Services: expose through an Ingress or Gateway.',
    });
  }
  return out;
}
