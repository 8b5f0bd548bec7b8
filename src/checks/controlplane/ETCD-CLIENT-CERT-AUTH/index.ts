import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, ETCD_SECURITY, NSA, OPERATE_ETCD } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { describeSetting, etcdBool, etcdSetting, etcdUsesConfigFile } from '../../../controlplane/etcd.js';

export const check = processCheck(
  {
    id: 'ETCD-CLIENT-CERT-AUTH',
    title: 'etcd accepts clients without a certificate',
    severity: 'high',
    category: 'control-plane',
    attack: 'Without client certificate authentication anything that reaches etcd\'s client port reads and writes the whole cluster state — every Secret, and any RBAC binding it cares to add — bypassing the API server, its authorization and its audit log.',
    remediation: 'Run etcd with --client-cert-auth=true and --trusted-ca-file set to a CA used only for etcd clients (kubeadm: /etc/kubernetes/pki/etcd/ca.crt).',
    references: [ETCD_SECURITY, OPERATE_ETCD, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_117'] },
    controls: { cis: ['2.2', '2.7'], nsa: [NSA.etcd] },
  },
  ['etcd'],
  function* (p) {
    if (etcdUsesConfigFile(p)) return;
    const auth = etcdBool(p, 'client-cert-auth');
    if (auth.setting && auth.value === undefined) return; // does not parse: CP-CONFIG-INVALID
    if (!auth.value) {
      yield { message: `etcd does not require client certificates: ${describeSetting('client-cert-auth', auth.setting, 'false')}`, path: auth.setting?.path ?? p.anchor };
      return;
    }
    const ca = etcdSetting(p, 'trusted-ca-file');
    if (!ca?.value) yield { message: 'etcd requires client certificates but has no --trusted-ca-file to check them against', path: ca?.path ?? auth.setting?.path ?? p.anchor, severity: 'medium' };
  },
);
