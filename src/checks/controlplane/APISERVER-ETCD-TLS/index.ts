import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBE_APISERVER_REF, NSA, OPERATE_ETCD } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-ETCD-TLS',
    title: 'API server talks to etcd without TLS or without a client certificate',
    severity: 'high',
    category: 'control-plane',
    attack: 'Everything the cluster stores, every Secret included, travels between the API server and etcd. In plain HTTP it can be read and changed on the way; without a client certificate etcd has to accept unauthenticated clients, so anything that reaches its port owns the cluster.',
    remediation: 'Use https:// in --etcd-servers and set --etcd-cafile, --etcd-certfile and --etcd-keyfile; run etcd with --client-cert-auth=true.',
    references: [OPERATE_ETCD, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_99', 'CKV_K8S_102'] },
    controls: { cis: ['1.2.23', '1.2.26'], nsa: [NSA.etcd, NSA.tls] },
  },
  ['kube-apiserver'],
  function* (p) {
    const servers = p.flags.list('etcd-servers') ?? [];
    for (const s of servers) {
      if (/^http:\/\//i.test(s.value)) yield { message: `--etcd-servers includes ${s.value}: the API server talks to etcd in plain HTTP`, path: s.at.arg.path };
    }
    const cert = p.flags.nonEmpty('etcd-certfile');
    const key = p.flags.nonEmpty('etcd-keyfile');
    if (!cert || !key) {
      const missing = [!cert && '--etcd-certfile', !key && '--etcd-keyfile'].filter(Boolean).join(' and ');
      yield { message: `kube-apiserver has no ${missing}: it presents no client certificate, so etcd must accept unauthenticated clients`, path: (cert ?? key)?.arg.path ?? p.anchor };
    }
    if (!p.flags.nonEmpty('etcd-cafile') && !servers.every((s) => /^http:\/\//i.test(s.value))) {
      yield { message: 'kube-apiserver has no --etcd-cafile: it verifies etcd\'s certificate against the system roots instead of the etcd CA', path: p.flags.last('etcd-cafile')?.arg.path ?? p.anchor, severity: 'medium' };
    }
  },
);
