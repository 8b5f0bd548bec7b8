import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ENCRYPT_AT_REST, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-ENCRYPTION',
    title: 'API server stores Secrets in etcd unencrypted',
    severity: 'high',
    category: 'control-plane',
    attack: 'Without an encryption configuration, every Secret is written to etcd as plain bytes: anyone with an etcd backup, a copy of the etcd data directory or read access to etcd holds every credential of the cluster.',
    remediation: 'Write an EncryptionConfiguration that covers secrets with aescbc, aesgcm, secretbox or (best) a KMS v2 provider first, pass it with --encryption-provider-config, and rewrite existing Secrets (kubectl get secrets -A -o json | kubectl replace -f -).',
    references: [ENCRYPT_AT_REST, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_104'], kubescape: ['C-0066'] },
    controls: { cis: ['1.2.27'], nsa: [NSA.etcd] },
  },
  ['kube-apiserver'],
  function* (p) {
    if (p.flags.nonEmpty('encryption-provider-config')) return; // the file itself: ENCRYPTION-PROVIDERS
    yield { message: 'kube-apiserver has no --encryption-provider-config: Secrets are stored in etcd in plain text', path: p.flags.last('encryption-provider-config')?.arg.path ?? p.anchor };
  },
);
