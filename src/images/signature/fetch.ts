/**
 * Fetches the signature material of one image digest from its registry: the classic cosign
 * signature manifest at tag `sha256-<hex>.sig` (simple-signing layers, each blob checked against
 * its digest) and, when bundles are accepted, Sigstore bundles attached as OCI referrers.
 */
import type { SignatureFormat } from '../policy.js';
import type { ImageName } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING, type SignatureMaterial } from './material.js';

/** Simple-signing payloads are a few hundred bytes; bundles a few KB. */
const MAX_SIGNATURE_BLOB = 1024 * 1024;
/** An attacker may attach any number of signatures: beyond these, the rest are not fetched. */
const MAX_SIGNATURES = 32;
const BUNDLE_MEDIA_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** Referrer types that are certainly not signature bundles (saves fetching their manifests). */
const SKIPPED_ARTIFACTS = /spdx|cyclonedx|in-toto|sbom|slsa|vuln|vex/i;

interface Layer {
  mediaType?: unknown;
  digest?: unknown;
  annotations?: Record<string, unknown>;
}

function layersOf(json: Record<string, unknown>): Layer[] {
  return Array.isArray(json.layers) ? (json.layers.filter((l) => typeof l === 'object' && l !== null) as Layer[]) : [];
}

export async function fetchSignatures(client: RegistryClient, image: ImageName, digest: string, formats: readonly SignatureFormat[], signal?: AbortSignal): Promise<SignatureMaterial> {
  const material: SignatureMaterial = { digest, cosign: [], bundles: [], problems: [] };
  const tasks: Promise<void>[] = [];
  if (formats.includes('cosign')) {
    tasks.push(
      (async () => {
        const m = await client.manifest(image, `${digest.replace(':', '-')}.sig`, signal);
        if (!m) return;
        for (const layer of layersOf(m.json).slice(0, MAX_SIGNATURES)) {
          const sig = layer.annotations?.[SIGNATURE_ANNOTATION];
          if (layer.mediaType !== SIMPLE_SIGNING || typeof layer.digest !== 'string') {
            material.problems.push(`the .sig manifest has a layer of type ${String(layer.mediaType)} (not a simple-signing payload)`);
            continue;
          }
          if (typeof sig !== 'string') {
            material.problems.push(`signature layer ${layer.digest} has no ${SIGNATURE_ANNOTATION} annotation`);
            continue;
          }
          const blob = await client.blob(image, layer.digest, MAX_SIGNATURE_BLOB, signal);
          if (!blob) {
            material.problems.push(`signature payload ${layer.digest} is missing from the registry`);
            continue;
          }
          material.cosign.push({ payload: blob.toString('base64'), signature: sig, layerDigest: layer.digest });
        }
      })(),
    );
  }
  if (formats.includes('bundle')) {
    tasks.push(
      (async () => {
        const refs = await client.referrers(image, digest, signal);
        // SBOMs, provenance and other artifacts refer to images too: only Sigstore bundles count.
        for (const d of refs.filter((r) => !r.artifactType || !SKIPPED_ARTIFACTS.test(r.artifactType)).slice(0, MAX_SIGNATURES)) {
          const m = await client.manifest(image, d.digest, signal);
          const layers = m ? layersOf(m.json) : [];
          // cosign's rule: exactly one layer, of a Sigstore bundle media type; other referrers are not signatures.
          if (layers.length !== 1 || typeof layers[0].mediaType !== 'string' || !layers[0].mediaType.startsWith(BUNDLE_MEDIA_PREFIX) || typeof layers[0].digest !== 'string') continue;
          const layer = layers[0] as Layer & { digest: string };
          const blob = await client.blob(image, layer.digest, MAX_SIGNATURE_BLOB, signal);
          try {
            if (!blob) throw new Error('missing');
            material.bundles.push(JSON.parse(blob.toString('utf8')));
          } catch {
            material.problems.push(`bundle ${layer.digest} is missing or not JSON`);
          }
        }
      })(),
    );
  }
  await Promise.all(tasks);
  return material;
}
