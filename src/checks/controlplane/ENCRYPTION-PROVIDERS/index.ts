import type { Path } from '../../../load/types.js';
import { configCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ENCRYPT_AT_REST, KMS_PROVIDER, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { asList, asMap, asString, asStringList } from '../../../k8s/json.js';

const ENCRYPTING = new Set(['aescbc', 'aesgcm', 'secretbox', 'kms']);

/** resources entries as the API server reads them (schema.ParseGroupResource): "secrets", "*." (core group), "*.*". */
function entryFor(resources: readonly unknown[], names: readonly string[]): number | undefined {
  for (let i = 0; i < resources.length; i++) {
    if (asStringList(asMap(resources[i])?.resources).some((r) => names.includes(r))) return i;
  }
  return undefined;
}

export const check = configCheck(
  {
    id: 'ENCRYPTION-PROVIDERS',
    title: 'Encryption configuration leaves Secrets in plain text',
    severity: 'high',
    category: 'control-plane',
    attack: 'The API server writes each resource with the first provider of the first entry that covers it. With identity first — or with no entry covering secrets — Secrets reach etcd, its backups and its data directory in plain text despite the encryption flag.',
    remediation: 'Cover secrets with an entry whose first provider encrypts — kms (apiVersion v2) best, or secretbox, aesgcm, aescbc — keep identity only last (to read old data), then rewrite existing Secrets so they are stored encrypted.',
    references: [ENCRYPT_AT_REST, KMS_PROVIDER, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_104'], kubescape: ['C-0066'] },
    controls: { cis: ['1.2.28'], nsa: [NSA.etcd] },
  },
  'EncryptionConfiguration',
  function* (o) {
    const resources = [...asList(o.object.resources)];
    // The API server looks up the exact resource first, then its group's wildcard, then *.*
    const i = entryFor(resources, ['secrets', 'secrets.']) ?? entryFor(resources, ['*.']) ?? entryFor(resources, ['*.*']);
    if (i === undefined) {
      yield { message: 'no resources entry covers secrets (secrets, *. or *.*): the API server stores Secrets in plain text', path: resources.length ? ['resources'] : [] };
      return;
    }
    const providers = asList(asMap(resources[i])?.providers);
    const first = asMap(providers[0]);
    const path: Path = ['resources', i, 'providers', 0];
    const name = first ? Object.keys(first).find((k) => k === 'identity' || ENCRYPTING.has(k)) : undefined;
    if (!name) return; // no provider the API server knows: it refuses to start (CP-CONFIG-INVALID territory)
    if (name === 'identity') {
      yield { message: `the first provider for secrets (resources[${i}]) is identity: Secrets are written to etcd in plain text`, path: [...path, 'identity'] };
      return;
    }
    if (name === 'kms') {
      const version = asString(asMap(first?.kms)?.apiVersion) ?? 'v1';
      if (version !== 'v2') {
        yield {
          message: `secrets are encrypted with KMS ${version}: deprecated, and off unless the API server runs with --feature-gates=KMSv1=true (otherwise it refuses to start); use apiVersion: v2`,
          path: [...path, 'kms'],
          severity: 'medium',
        };
      }
    }
  },
);
