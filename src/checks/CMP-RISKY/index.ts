import type { PodCheck, RawFinding } from '../../engine/types.js';
import { asList, asMap, asString, asStringList, isMap } from '../../k8s/json.js';
import { parseImage, type ImageRef } from '../../k8s/image.js';
import { CVE_2025_1974, GIT_SYNC_INJECTION, INGRESS_NGINX_RETIREMENT, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer, podPath } from '../_lib/pod.js';
import { cel } from './cel.js';

/** [major, minor, patch] of a tag like v1.11.3 or 1.12.0-beta.0; undefined when not a version. */
function semver(tag: string | undefined): [number, number, number] | undefined {
  const m = tag ? /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function lessThan(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/** CVE-2025-1974 (IngressNightmare) is fixed in v1.11.5 and v1.12.1. */
function ingressNightmare(v: [number, number, number]): boolean {
  if (v[0] === 1 && v[1] === 12) return v[2] < 1;
  return lessThan(v, [1, 11, 5]);
}

function repoPath(ref: ImageRef): string {
  return `${(ref.registry ?? 'docker.io').toLowerCase()}/${ref.repository.toLowerCase()}`;
}

/** Every repository pattern below contains one of these words: one test rules out most images. */
const CANDIDATE = /tiller|dashboard|ingress/;
const GIT_FLAG = /^--git(=|$)/;

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CMP-RISKY',
    title: 'Workload runs a component with a known-dangerous design or an end-of-life version',
    severity: 'high',
    category: 'image',
    attack: 'Some components are dangerous by design or unmaintained: Helm 2 Tiller serves an unauthenticated gRPC API that usually holds cluster-admin; an exposed Kubernetes Dashboard has led to cluster takeovers (Tesla, 2018); git-sync\'s GITSYNC_GIT and gitRepo volumes run arbitrary commands; ingress-nginx is retired and old versions are vulnerable to IngressNightmare (unauthenticated RCE with access to every Secret).',
    remediation: 'Remove Tiller (move to Helm 3); do not deploy the Dashboard, or keep it internal with real authentication and minimal RBAC; drop GITSYNC_GIT / --git and replace gitRepo volumes with an init container that clones into an emptyDir; migrate from ingress-nginx to a maintained Gateway API or Ingress implementation.',
    references: [NSA_CISA, INGRESS_NGINX_RETIREMENT, CVE_2025_1974, GIT_SYNC_INJECTION],
    peers: { checkov: ['CKV_K8S_33', 'CKV_K8S_34', 'CKV_K8S_44', 'CKV_K8S_45', 'CKV_K8S_159'], trivy: ['KSV102'], kubescape: ['C-0014', 'C-0292'] },
  },
  cel,
  *check(pod) {
    const findings: RawFinding[] = [];
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image !== undefined && image.trim() !== '') {
        const ref = parseImage(image);
        const repo = repoPath(ref);
        const imagePath = [...c.path, 'image'];
        if (!CANDIDATE.test(repo)) {
          // none of the components below
        } else if (/(^|\/)(kubernetes-helm|helm)\/tiller$/.test(repo) || /\/tiller$/.test(repo)) {
          yield { ...containerFinding(c, `${describeContainer(c)} runs Helm 2 Tiller ("${image}"): its gRPC port is unauthenticated by default and it usually holds cluster-admin; Helm 2 is end-of-life since November 2020`, imagePath), severity: 'critical' };
        } else if (/(^|\/)kubernetesui\/dashboard(-api|-web|-auth)?$/.test(repo) || /kubernetes-dashboard(-amd64|-arm64|-arm)?$/.test(repo)) {
          const args = [...asStringList(c.spec.args), ...asStringList(c.spec.command)];
          const skip = args.some((a) => /^--enable-(skip|insecure)-login(=true)?$/.test(a));
          yield containerFinding(c, `${describeContainer(c)} runs the Kubernetes Dashboard ("${image}")${skip ? ' with login skipping or insecure login enabled' : ''}: a web UI with API access is a favourite takeover target; keep it off production clusters or strictly internal with real authentication`, imagePath);
        } else if (/(^|\/)ingress-nginx\/controller(-chroot)?$/.test(repo) || /nginx-ingress-controller$/.test(repo) && /kubernetes-ingress-controller|google[-_]containers|k8s\.gcr\.io/.test(repo)) {
          const v = semver(ref.tag);
          if (v && ingressNightmare(v)) {
            yield { ...containerFinding(c, `${describeContainer(c)} runs ingress-nginx ${ref.tag}, vulnerable to CVE-2025-1974 (IngressNightmare: unauthenticated RCE through the admission webhook, exposing every Secret); fixed in v1.11.5 / v1.12.1, and the project is retired`, imagePath), severity: 'critical' };
          } else {
            yield { ...containerFinding(c, `${describeContainer(c)} runs ingress-nginx ("${image}"): the project was retired in March 2026 and receives no further releases or security fixes; migrate to a maintained controller`, imagePath), severity: 'medium' };
          }
        }
      }
      // git-sync: GITSYNC_GIT (v4) / GIT_SYNC_GIT (v3) or --git choose the binary git-sync executes.
      const env = asList(c.spec.env);
      for (let i = 0; i < env.length; i++) {
        const e = env[i];
        const name = isMap(e) ? asString(e.name) : undefined;
        if (name === 'GITSYNC_GIT' || name === 'GIT_SYNC_GIT') {
          findings.push(containerFinding(c, `${describeContainer(c)} sets ${name}: git-sync will execute whatever binary it names, so anyone who can change this value (or the file it points to) runs code in the pod`, [...c.path, 'env', i, 'name']));
        }
      }
      if (image !== undefined && image.includes('git-sync')) {
        for (const field of ['args', 'command'] as const) {
          const i = asStringList(c.spec[field]).findIndex((a) => GIT_FLAG.test(a));
          if (i >= 0) findings.push(containerFinding(c, `${describeContainer(c)} passes --git to git-sync: it chooses the binary git-sync executes`, [...c.path, field, i]));
        }
      }
      yield* findings.splice(0);
    }
    asList(pod.spec.volumes).forEach((v, i) => {
      const vol = asMap(v);
      if (vol && isMap(vol.gitRepo)) {
        findings.push({ message: `volume "${asString(vol.name) ?? `#${i}`}" is a gitRepo volume: deprecated, and a crafted repository runs commands on the node as root (CVE-2024-10220, CVE-2025-1767); clone in an init container into an emptyDir instead`, path: podPath(pod, 'volumes', i, 'gitRepo') });
      }
    });
    yield* findings.splice(0);
  },
};
