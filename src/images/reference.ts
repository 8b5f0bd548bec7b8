/**
 * Image references as registries see them: `nginx:1.27` is `docker.io/library/nginx` at tag
 * 1.27, fetched from registry-1.docker.io. Policy patterns, report matching and the registry
 * client all use this one normalization, so `nginx`, `docker.io/nginx` and
 * `index.docker.io/library/nginx` are the same image everywhere.
 */
import { minimatch } from 'minimatch';
import { parseImage } from '../k8s/image.js';

export interface ImageName {
  /** Registry host (and port) as policies name it: `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Repository path in the registry: `library/nginx`. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `sha256:<64 hex>` when the reference carries a well-formed digest. */
  readonly digest: string | undefined;
  /** `docker.io/library/nginx`: what image patterns match. */
  readonly name: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** OCI image-spec digests kubeharden can check (sha256 and sha512 are the registered algorithms). */
export const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const cache = new Map<string, ImageName | null>();
const MAX_CACHED = 4096;

/** Parses and normalizes a reference; undefined when it is not a valid image reference. */
export function parseReference(image: string): ImageName | undefined {
  let r = cache.get(image);
  if (r === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    r = normalize(image) ?? null;
    cache.set(image, r);
  }
  return r ?? undefined;
}

function normalize(image: string): ImageName | undefined {
  const ref = parseImage(image);
  let registry = (ref.registry ?? 'docker.io').toLowerCase();
  let repository = ref.repository;
  if (DOCKER_HUB.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (!REPOSITORY.test(repository)) return undefined;
  if (ref.tag !== undefined && !TAG.test(ref.tag)) return undefined;
  const digest = ref.digest?.toLowerCase();
  if (ref.digest !== undefined && !DIGEST.test(digest ?? '')) return undefined;
  return Object.freeze({ registry, repository, tag: ref.tag, digest, name: `${registry}/${repository}` });
}

/** The host the distribution API is served from (Docker Hub's API is not on docker.io). */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** `name:tag@digest` / `name@digest` / `name:tag`, the canonical spelling. */
export function formatReference(n: ImageName, digest = n.digest): string {
  return `${n.name}${n.tag ? `:${n.tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/**
 * A pattern in the form users write images: `nginx` and `docker.io/nginx` mean
 * `docker.io/library/nginx`; a host-less path means Docker Hub. Globs (`*` one path segment,
 * `**` any number) are kept.
 */
export function normalizePattern(pattern: string): string {
  const p = pattern.trim().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (p === '*' || p === '**') return '**';
  const parts = p.split('/');
  const head = parts[0].toLowerCase();
  const hasHost = head.includes('.') || head.includes(':') || head === 'localhost' || head.includes('*');
  if (!hasHost) return parts.length === 1 ? `docker.io/library/${p}` : `docker.io/${p}`;
  if (DOCKER_HUB.has(head)) {
    const rest = parts.slice(1);
    return rest.length === 1 && !rest[0].includes('*') ? `docker.io/library/${rest[0]}` : ['docker.io', ...rest].join('/');
  }
  return [head, ...parts.slice(1)].join('/');
}

const compiled = new Map<string, (name: string) => boolean>();

/** True when a normalized image name matches one of the patterns. */
export function matchesAny(patterns: readonly string[], name: string): boolean {
  for (const p of patterns) {
    let m = compiled.get(p);
    if (!m) {
      const norm = normalizePattern(p);
      m = /[*?[]/.test(norm) ? (n: string) => minimatch(n, norm, { dot: true }) : (n: string) => n === norm;
      compiled.set(p, m);
    }
    if (m(name)) return true;
  }
  return false;
}
