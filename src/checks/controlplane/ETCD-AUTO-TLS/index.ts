import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ETCD_SECURITY, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { describeSetting, etcdBool, etcdUsesConfigFile } from '../../../controlplane/etcd.js';

export const check = processCheck(
  {
    id: 'ETCD-AUTO-TLS',
    title: 'etcd uses self-signed automatic TLS certificates',
    severity: 'medium',
    category: 'control-plane',
    attack: 'With --auto-tls or --peer-auto-tls etcd generates self-signed certificates that nobody can verify: traffic is encrypted but not authenticated, so a man in the middle can read it.',
    remediation: 'Remove --auto-tls and --peer-auto-tls and give etcd certificates from a dedicated CA (--cert-file/--key-file, --peer-cert-file/--peer-key-file).',
    references: [ETCD_SECURITY, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_118', 'CKV_K8S_121'] },
    controls: { cis: ['2.3', '2.6'], nsa: [NSA.etcd, NSA.tls] },
  },
  ['etcd'],
  function* (p) {
    if (etcdUsesConfigFile(p)) return;
    for (const flag of ['auto-tls', 'peer-auto-tls']) {
      const b = etcdBool(p, flag);
      if (b.value === true) yield { message: `etcd runs with ${describeSetting(flag, b.setting, 'false')}: it serves a self-signed certificate nobody can verify`, path: b.setting?.path ?? p.anchor };
    }
  },
);
