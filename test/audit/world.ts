/**
 * Object sets for audit tests, built at test time:
 * - fixtureWorld(): every check fixture, each file moved into namespaces of its own (`fx<N>-<ns>`,
 *   cluster-scoped objects renamed `fx<N>-<name>` with the references to them), so all of them
 *   can live in one cluster without meeting each other;
 * - generatedApp(n): a multi-namespace application with cross-namespace RBAC, shared policies,
 *   controllers and bare pods.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from '../../src/checks/registry.js';
import { checkDir } from '../../src/checks/docs.js';
import { isClusterScoped } from '../../src/engine/object-index.js';
import { loadText } from '../../src/load/index.js';
import { CONFIG_KINDS, KUBEHARDEN_GROUP } from '../../src/controlplane/config-kinds.js';

export type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string } };

export interface FixtureFile {
  check: string;
  file: string;
  kind: 'pass' | 'fail';
  objects: Obj[];
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function map(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Every fixture file of every check, in registry order. */
export function fixtureFiles(): FixtureFile[] {
  const out: FixtureFile[] = [];
  const seen = new Set<string>();
  for (const c of ALL_CHECKS) {
    const dir = checkDir(c.meta.id);
    if (!dir) continue;
    for (const kind of ['fail', 'pass'] as const) {
      const d = join(dir, 'fixtures', kind);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).sort()) {
        if (!/\.(ya?ml|json)$/.test(f)) continue;
        const file = join(d, f);
        if (seen.has(file)) continue;
        seen.add(file);
        const loaded = loadText(readFileSync(file), file);
        out.push({ check: c.meta.id, file, kind, objects: loaded.objects.map((o) => clone(o.object) as Obj) });
      }
    }
  }
  return out;
}

/** Namespace names are DNS labels of at most 63 characters. */
function nsName(prefix: string, ns: string): string {
  return `${prefix}-${ns}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The objects of one fixture file moved apart: namespaces → `<prefix>-<ns>` (objects without a
 * namespace → `<prefix>-default`), cluster-scoped names → `<prefix>-<name>`, and the references
 * between them (roleRefs, ServiceAccount subjects, namespace-name selectors) to match.
 */
export function relocate(objects: readonly Obj[], prefix: string): Obj[] {
  const renamedCluster = new Map<string, string>(); // kind/name → new name
  for (const o of objects) {
    if (isClusterScoped(o.kind) && o.kind !== 'Namespace' && o.kind !== 'List') renamedCluster.set(`${o.kind}/${o.metadata.name}`, `${prefix}-${o.metadata.name}`.slice(0, 253));
  }
  const mapNs = (ns: string) => nsName(prefix, ns);
  return objects.map((orig) => {
    const o = clone(orig);
    o.metadata = { ...(map(o.metadata) ?? {}) } as Obj['metadata'];
    if (o.kind === 'Namespace') {
      o.metadata.name = mapNs(o.metadata.name);
      const labels = map(o.metadata.labels);
      if (labels && 'kubernetes.io/metadata.name' in labels) labels['kubernetes.io/metadata.name'] = o.metadata.name;
    } else if (isClusterScoped(o.kind)) {
      o.metadata.name = renamedCluster.get(`${o.kind}/${o.metadata.name}`) ?? o.metadata.name;
    } else {
      o.metadata.namespace = mapNs(typeof o.metadata.namespace === 'string' ? o.metadata.namespace : 'default');
    }
    const roleRef = map(o.roleRef);
    if (roleRef && roleRef.kind === 'ClusterRole' && typeof roleRef.name === 'string') roleRef.name = renamedCluster.get(`ClusterRole/${roleRef.name}`) ?? roleRef.name;
    if (Array.isArray(o.subjects)) {
      for (const s of o.subjects) {
        const m = map(s);
        if (m && m.kind === 'ServiceAccount' && typeof m.namespace === 'string') m.namespace = mapNs(m.namespace);
      }
    }
    if (o.kind === 'NetworkPolicy') {
      const visit = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(visit);
        const m = map(v);
        if (!m) return;
        const sel = map(m.namespaceSelector);
        const labels = map(sel?.matchLabels);
        if (labels && typeof labels['kubernetes.io/metadata.name'] === 'string') labels['kubernetes.io/metadata.name'] = mapNs(labels['kubernetes.io/metadata.name']);
        for (const x of Object.values(m)) visit(x);
      };
      visit(o.spec);
    }
    return o;
  });
}

/**
 * Admission webhooks of the fixtures point at services that do not exist: with failurePolicy Fail
 * they would refuse every later request. An objectSelector no object matches keeps the webhook
 * configuration as it is for the checks (they do not read objectSelector) and out of admission.
 */
function disarmWebhooks(o: Obj): Obj {
  if (o.kind !== 'ValidatingWebhookConfiguration' && o.kind !== 'MutatingWebhookConfiguration') return o;
  for (const w of Array.isArray(o.webhooks) ? o.webhooks : []) {
    const m = map(w);
    if (m) m.objectSelector = { matchLabels: { 'kubeharden.test/never': 'matches' } };
  }
  return o;
}

/** Every fixture file relocated into `fx<N>-…` namespaces (webhooks disarmed). */
export function fixtureWorld(): Array<FixtureFile & { prefix: string }> {
  return fixtureFiles().map((f, i) => ({ ...f, prefix: `fx${i}`, objects: relocate(f.objects, `fx${i}`).map(disarmWebhooks) }));
}

/** kubeharden's own facts kinds: made by audit's collectors, never objects of a cluster. */
export function isFacts(o: Obj): boolean {
  if (o.apiVersion.startsWith('audit.kubeharden.io/')) return true;
  // Node and control-plane facts (a process's command line, a live probe's observations) and the
  // configuration files of the components are read from disk or probes, never from the API.
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
  if (group === KUBEHARDEN_GROUP) return true;
  return ((CONFIG_KINDS as Record<string, readonly string[]>)[o.kind] ?? []).includes(group);
}

const IMAGE = 'registry.k8s.io/pause:3.10';

/**
 * A multi-namespace application: `apps` namespaces with a frontend Deployment, a worker
 * StatefulSet, a CronJob, a bare debug Pod, Services, policies and RBAC — including a RoleBinding
 * in one namespace that gives a ServiceAccount of another namespace power there, and a
 * ClusterRoleBinding to cluster-admin for one workload account.
 */
export function generatedApp(namespaces: number): Obj[] {
  const out: Obj[] = [];
  for (let i = 0; i < namespaces; i++) {
    const ns = `app-${i}`;
    const hardened = i % 3 === 0;
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: hardened ? { 'pod-security.kubernetes.io/enforce': 'baseline' } : { team: `t${i % 2}` } },
    });
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: ns }, automountServiceAccountToken: i % 2 === 0 });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'frontend', namespace: ns, labels: { app: 'frontend' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'frontend' } },
        template: {
          metadata: { labels: { app: 'frontend' } },
          spec: {
            serviceAccountName: 'web',
            containers: [
              {
                name: 'web',
                image: i % 2 ? `${IMAGE}` : 'nginx:latest',
                ports: [{ containerPort: 8080 }],
                securityContext: hardened ? { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } } : { privileged: i % 4 === 1 },
                ...(hardened ? { resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } } : {}),
              },
            ],
          },
        },
      },
    });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'worker', namespace: ns },
      spec: {
        serviceName: 'worker',
        selector: { matchLabels: { app: 'worker' } },
        template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w', image: IMAGE, volumeMounts: [{ name: 'host', mountPath: '/host' }] }], volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] } },
      },
    });
    out.push({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: ns },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', hostPID: i % 5 === 2, containers: [{ name: 'r', image: IMAGE }] } } } } },
    });
    out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: ns }, spec: { containers: [{ name: 'sh', image: 'busybox', securityContext: { runAsUser: 0 } }] } });
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend', namespace: ns }, spec: { type: i % 4 === 3 ? 'LoadBalancer' : 'ClusterIP', selector: { app: 'frontend' }, ports: [{ port: 80, targetPort: 8080 }] } });
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { LOG_LEVEL: 'info', ...(i % 6 === 4 ? { DB_PASSWORD: 'hunter2-not-a-real-one' } : {}) } });
    if (hardened) {
      out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
      out.push({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: ns }, spec: { limits: [{ type: 'Container', default: { cpu: '100m', memory: '64Mi' } }] } });
    } else if (i % 3 === 1) {
      out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'typo', namespace: ns }, spec: { podSelector: { matchLabels: { app: 'frontent' } }, policyTypes: ['Ingress'] } });
    }
    out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [{ apiGroups: [''], resources: i % 2 ? ['secrets'] : ['configmaps'], verbs: ['get', 'list'] }] });
    // The ServiceAccount of the next namespace reads here: power across namespaces.
    const next = `app-${(i + 1) % namespaces}`;
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: next }],
    });
  }
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'app-1-web-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'app-1' }],
  });
  return out;
}

/** A `kubectl get -o json`-shaped List of the objects. */
export function asList(objects: readonly Obj[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}
