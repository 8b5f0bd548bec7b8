/**
 * The image gate at admission. Before a request is reviewed, the registry evidence its images
 * need (tag resolutions, signatures) is fetched within each gate's time budget, so the review
 * itself stays synchronous and never waits on a registry; what did not arrive in time is a cache
 * miss, and the gate's fail mode decides. After verification, /mutate can pin verified tags to
 * their digest.
 */
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
