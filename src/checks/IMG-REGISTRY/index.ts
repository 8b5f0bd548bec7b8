import type { PodCheck, RawFinding } from '../../engine/types.js';
import { asString } from '../../k8s/json.js';
import { parseImage } from '../../k8s/image.js';
import { IMAGES, K8S_REGISTRY, NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { stringListSetting } from '../../engine/settings.js';
import { cel } from './cel.js';
import { DOCKER_HUB_ALIASES } from './constants.js';

/** `nginx` → `docker.io/library/nginx`; `quay.io/x/y` stays; hosts lower-cased. */
export function normalizedImageName(image: string): { host: string; name: string } {
  const ref = parseImage(image);
  let host = (ref.registry ?? 'docker.io').toLowerCase();
  let repo = ref.repository;
  if (DOCKER_HUB_ALIASES.has(host)) {
    host = 'docker.io';
    if (!repo.includes('/')) repo = `library/${repo}`;
  }
  return { host, name: `${host}/${repo}` };
}

/**
 * An allow/deny entry matches a registry host (`ghcr.io`), a host wildcard (`*.azurecr.io`) or a
 * repository prefix at a path boundary (`ghcr.io/my-org`, `docker.io/library`).
 */
export function registryEntryMatches(entry: string, image: { host: string; name: string }): boolean {
  let e = entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (!e) return false;
  if (DOCKER_HUB_ALIASES.has(e.split('/')[0])) e = ['docker.io', ...e.split('/').slice(1)].join('/');
  if (e.startsWith('*.')) return image.host.endsWith(e.slice(1));
  return image.name === e || image.name.startsWith(`${e}/`);
}

function deprecatedRegistry(image: string): { replacement?: string; why: string } | undefined {
  const ref = parseImage(image);
  const host = ref.registry?.toLowerCase();
  if (host === 'k8s.gcr.io') {
    return { replacement: `registry.k8s.io${image.trim().slice(image.trim().indexOf('/'))}`, why: 'k8s.gcr.io has been frozen since April 2023 (no new images or patched versions) and is being shut down; its images moved to registry.k8s.io' };
  }
  if (host === 'gcr.io' && ref.repository.startsWith('google_containers/')) {
    return { why: 'gcr.io/google_containers is the legacy name of the frozen k8s.gcr.io; current images live on registry.k8s.io' };
  }
  return undefined;
}

const settings = {
  allowedRegistries: stringListSetting('registries images may come from, e.g. ghcr.io/acme,*.azurecr.io (a host, host/path prefix or *.domain; unset: any)'),
  deniedRegistries: stringListSetting('registries images may not come from, e.g. docker.io (checked before allowedRegistries)'),
};

export const check: PodCheck<typeof settings> = {
  scope: 'pod',
  meta: {
    id: 'IMG-REGISTRY',
    title: 'Image comes from a registry outside policy or from a deprecated registry',
    severity: 'medium',
    category: 'image',
    attack: 'Images from an unvetted registry bypass the scanning, signing and provenance controls applied to approved ones; typo-squatted or abandoned public repositories are a common way malware reaches clusters. A frozen registry such as k8s.gcr.io never receives security fixes.',
    remediation: 'Pull images only from approved registries (settings allowedRegistries / deniedRegistries; enforce it at admission too), mirror third-party images into them, and replace k8s.gcr.io with registry.k8s.io.',
    references: [IMAGES, K8S_REGISTRY, NSA_CISA],
    peers: { trivy: ['KSV125'], kubescape: ['C-0078', 'C-0001', 'C-0253'], polaris: ['(custom example)'] },
  },
  settings,
  cel,
  *check(pod, ctx) {
    const allowed = ctx.settings.allowedRegistries;
    const denied = ctx.settings.deniedRegistries;
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      if (image === undefined || image.trim() === '') continue;
      const path = [...c.path, 'image'];
      const dep = deprecatedRegistry(image);
      if (dep) {
        const f: RawFinding = containerFinding(c, `${describeContainer(c)}: image "${image}" uses a deprecated registry: ${dep.why}`, path);
        if (dep.replacement) f.fix = { description: `pull ${dep.replacement} instead`, ops: [{ op: 'set', path, value: dep.replacement, overwrite: true }] };
        yield f;
        continue;
      }
      if (denied.length === 0 && allowed.length === 0) continue;
      const norm = normalizedImageName(image);
      const deny = denied.find((e) => registryEntryMatches(e, norm));
      if (deny) {
        yield containerFinding(c, `${describeContainer(c)}: image "${image}" comes from a denied registry ("${deny}" in deniedRegistries)`, path);
        continue;
      }
      if (allowed.length > 0 && !allowed.some((e) => registryEntryMatches(e, norm))) {
        yield containerFinding(c, `${describeContainer(c)}: image "${image}" (${norm.host}) is not from an allowed registry (allowedRegistries: ${allowed.join(', ')})`, path);
      }
    }
  },
};
