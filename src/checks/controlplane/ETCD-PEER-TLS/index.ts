import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ETCD_SECURITY, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { describeSetting, etcdBool, etcdSetting, etcdUsesConfigFile } from '../../../controlplane/etcd.js';

export const check = processCheck(
  {
    id: 'ETCD-PEER-TLS',
    title: 'etcd members talk to each other without TLS or without authenticating',
    severity: 'medium',
    category: 'control-plane',
    attack: 'etcd members replicate every write to each other. Without peer TLS the replication stream — all Secrets — crosses the network in clear text, and without peer certificate authentication anything that reaches the peer port can join the cluster and receive the data.',
    remediation: 'Listen on https:// peer URLs with --peer-cert-file/--peer-key-file, and set --peer-client-cert-auth=true with --peer-trusted-ca-file.',
    references: [ETCD_SECURITY, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_119', 'CKV_K8S_120'] },
    controls: { cis: ['2.4', '2.5'], nsa: [NSA.etcd, NSA.tls] },
  },
  ['etcd'],
  function* (p) {
    if (etcdUsesConfigFile(p)) return;
    const urls = etcdSetting(p, 'listen-peer-urls');
    const list = (urls?.value ?? 'http://localhost:2380').split(',').map((s) => s.trim()).filter(Boolean);
    const plain = list.filter((u) => /^http:\/\//i.test(u));
    if (plain.length) yield { message: `etcd listens for peers on ${plain.join(', ')}${urls ? '' : ' (the default of --listen-peer-urls)'} in plain HTTP`, path: urls?.path ?? p.anchor };
    if (plain.length < list.length) {
      const cert = etcdSetting(p, 'peer-cert-file');
      const key = etcdSetting(p, 'peer-key-file');
      if (!cert?.value || !key?.value) yield { message: 'etcd serves https:// peer URLs without --peer-cert-file and --peer-key-file', path: (cert ?? key)?.path ?? urls?.path ?? p.anchor };
    }
    const auth = etcdBool(p, 'peer-client-cert-auth');
    if (auth.setting && auth.value === undefined) return;
    if (!auth.value) yield { message: `etcd does not authenticate its peers: ${describeSetting('peer-client-cert-auth', auth.setting, 'false')}`, path: auth.setting?.path ?? p.anchor };
  },
);
