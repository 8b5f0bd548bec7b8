import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ETCD_SECURITY, NSA, OPERATE_ETCD } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { etcdSetting, etcdUsesConfigFile } from '../../../controlplane/etcd.js';

const LOOPBACK = /^https?:\/\/(127\.|localhost|\[::1\])/i;

export const check = processCheck(
  {
    id: 'ETCD-CLIENT-TLS',
    title: 'etcd serves clients without TLS',
    severity: 'high',
    category: 'control-plane',
    attack: 'etcd holds every object of the cluster, Secrets included. Served over plain HTTP, everything it returns can be read on the network path, and without a server certificate clients cannot tell etcd from an impostor.',
    remediation: 'Listen on https:// client URLs with --cert-file and --key-file (kubeadm uses /etc/kubernetes/pki/etcd/server.crt and .key).',
    references: [ETCD_SECURITY, OPERATE_ETCD, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_116'] },
    controls: { cis: ['2.1'], nsa: [NSA.etcd, NSA.tls] },
  },
  ['etcd'],
  function* (p) {
    if (etcdUsesConfigFile(p)) return;
    const urls = etcdSetting(p, 'listen-client-urls');
    const list = (urls?.value ?? 'http://localhost:2379').split(',').map((s) => s.trim()).filter(Boolean);
    for (const u of list) {
      if (!/^http:\/\//i.test(u)) continue;
      yield {
        message: `etcd listens for clients on ${u}${urls ? '' : ' (the default of --listen-client-urls)'} in plain HTTP${LOOPBACK.test(u) ? ': any process on the node, hostNetwork pods included, can read and write the whole cluster state' : ''}`,
        path: urls?.path ?? p.anchor,
        severity: LOOPBACK.test(u) ? 'medium' : 'high',
      };
    }
    const cert = etcdSetting(p, 'cert-file');
    const key = etcdSetting(p, 'key-file');
    if (list.some((u) => /^https:/i.test(u)) && (!cert?.value || !key?.value)) {
      yield { message: 'etcd serves https:// client URLs without --cert-file and --key-file (or with --auto-tls): its certificate is not one clients can verify', path: (cert ?? key)?.path ?? urls?.path ?? p.anchor };
    }
  },
);
