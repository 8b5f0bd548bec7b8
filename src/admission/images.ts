/**
 * The image gate at admission. Before a request is reviewed, the registry evidence its images
 * need (tag resolutions, signatures) is fetched within each gate's time budget, so the review
 * itself stays synchronous and never waits on a registry; what did not arrive in time is a cache
 * miss, and the gate's fail mode decides. After verification, /mutate can pin verified tags to
 * their digest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ImageGate } from '../images/gate.js';
import { asString } from '../k8s/json.js';
import { findPodSpecs } from '../k8s/pod-spec.js';
import { objectFromJson } from '../load/index.js';
import type { KubeObject } from '../load/types.js';
import type { JsonPatchOp } from './patch.js';
import { toPointer } from './patch.js';
import type { Policy, Profile } from './policy.js';
import type { AdmissionRequest } from './types.js';

/** The compiled image gate of a profile, if it has an image policy. */
export function gateOf(profile: Profile | undefined): ImageGate | undefined {
  const g = profile?.config.settings?.images;
  return g && typeof g === 'object' && 'prepare' in g ? (g as ImageGate) : undefined;
}

/** Every distinct gate of a policy. */
export function gatesOf(policy: Policy): ImageGate[] {
  const out = new Set<ImageGate>();
  for (const p of policy.profiles.values()) {
    const g = gateOf(p);
    if (g) out.add(g);
  }
  return [...out];
}

function imagesIn(o: KubeObject | null, into: Set<string>): void {
  if (!o || typeof o !== 'object') return;
  let pods;
  try {
    pods = findPodSpecs(objectFromJson(o, '<admission>'));
  } catch {
    return; // the review reports what cannot be read
  }
  for (const pod of pods) for (const c of pod.containers) {
    const image = asString(c.spec.image);
    if (image && image.trim()) into.add(image);
  }
}

/**
 * Fetches what the request's images need, for every gate of the policy, each within its
 * budget (`registry.timeout`). Never throws: a failure is a miss the review sees.
 */
export function prepareImages(request: AdmissionRequest, policy: Policy): Promise<void> | undefined {
  const gates = gatesOf(policy);
  // Nothing to wait for: undefined lets the server review at once (no extra turn of the event loop).
  if (gates.length === 0 || request.operation === 'DELETE' || request.operation === 'CONNECT') return undefined;
  const images = new Set<string>();
  imagesIn(request.object, images);
  // Old images too: `onUpdate: new-violations` compares the old object's findings.
  if (request.operation === 'UPDATE') imagesIn(request.oldObject, images);
  if (images.size === 0) return undefined;
  return Promise.all(gates.map((g) => g.prepare(images, { budgetMs: g.store.timeoutMs }).catch(() => undefined))).then(() => undefined);
}

/** JSON Patch operations pinning verified tag-only images to their digest (`pinDigests: true`). */
export function imagePins(gate: ImageGate | undefined, object: KubeObject): JsonPatchOp[] {
  if (!gate?.policy.pinDigests) return [];
  const ops: JsonPatchOp[] = [];
  for (const pod of findPodSpecs(objectFromJson(object, '<admission>'))) {
    for (const c of pod.containers) {
      const image = asString(c.spec.image);
      const pinned = image ? gate.pinned(image) : undefined;
      if (pinned) ops.push({ op: 'replace', path: toPointer([...c.path, 'image']), value: pinned });
    }
  }
  return ops;
}

type RawProfiles = Record<string, unknown>;

function imagesOf(profile: unknown): Record<string, unknown> | undefined {
  const images = profile && typeof profile === 'object' ? (profile as { images?: unknown }).images : undefined;
  return images && typeof images === 'object' ? (images as Record<string, unknown>) : undefined;
}

/**
 * For `webhook install`: the policy is shipped as a ConfigMap, so the public keys its image rules
 * name by file are inlined as PEM text (public keys are not secret), and a cache directory must be
 * an absolute path (the ConfigMap's directory is read-only; install mounts an emptyDir there).
 */
export function inlineImageKeys(profiles: RawProfiles, policyDir: string | undefined): void {
  for (const [name, profile] of Object.entries(profiles)) {
    const images = imagesOf(profile);
    if (!images) continue;
    for (const rule of Array.isArray(images.signatures) ? images.signatures : []) {
      if (!rule || typeof rule !== 'object' || !Array.isArray((rule as { keys?: unknown }).keys)) continue;
      const r = rule as { keys: unknown[] };
      // A key file here is inlined; an absolute path that does not exist here names a file mounted in the pod.
      r.keys = r.keys.map((k) => (typeof k === 'string' && !k.includes('-----BEGIN') && !(isAbsolute(k) && !existsSync(k)) ? readFileSync(resolve(policyDir ?? process.cwd(), k), 'utf8') : k));
    }
    const cacheDir = (images.registry as { cacheDir?: unknown } | undefined)?.cacheDir;
    if (typeof cacheDir === 'string' && !isAbsolute(cacheDir)) throw new Error(`profiles.${name}.images.registry.cacheDir: give an absolute path (e.g. /var/cache/kubeharden): in the cluster the policy's directory is a read-only ConfigMap`);
  }
}

/** What the webhook's pod needs for the policy's image rules: DNS and HTTPS to registries, writable cache directories. */
export function imageInstallNeeds(profiles: RawProfiles): { registries: boolean; cacheDirs: string[] } {
  let registries = false;
  const cacheDirs = new Set<string>();
  for (const profile of Object.values(profiles)) {
    const images = imagesOf(profile);
    if (!images) continue;
    if (Array.isArray(images.signatures) && images.signatures.length) registries = true;
    const cacheDir = (images.registry as { cacheDir?: unknown } | undefined)?.cacheDir;
    if (typeof cacheDir === 'string') cacheDirs.add(cacheDir);
  }
  return { registries, cacheDirs: [...cacheDirs].sort() };
}
