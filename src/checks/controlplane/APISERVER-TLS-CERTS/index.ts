import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, CONTROL_PLANE_TLS, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-TLS-CERTS',
    title: 'API server serves a self-signed certificate or accepts no client certificates',
    severity: 'medium',
    category: 'control-plane',
    attack: 'Without --tls-cert-file the API server generates a self-signed certificate that no client can verify, so clients are configured to skip verification and a man in the middle can read every token sent to it. Without --client-ca-file no client certificate is accepted, which pushes components onto weaker static credentials.',
    remediation: 'Pass a certificate signed by the cluster CA with --tls-cert-file/--tls-private-key-file, and the CA that signs client certificates with --client-ca-file (kubeadm does both).',
    references: [CONTROL_PLANE_TLS, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_100', 'CKV_K8S_102'] },
    controls: { cis: ['1.2.24', '1.2.25'], nsa: [NSA.tls] },
  },
  ['kube-apiserver'],
  function* (p) {
    const cert = p.flags.nonEmpty('tls-cert-file');
    const key = p.flags.nonEmpty('tls-private-key-file');
    if (!cert || !key) {
      const missing = [!cert && '--tls-cert-file', !key && '--tls-private-key-file'].filter(Boolean).join(' and ');
      yield { message: `kube-apiserver has no ${missing}: it serves a self-signed certificate generated in --cert-dir, which clients cannot verify`, path: (cert ?? key)?.arg.path ?? p.anchor };
    }
    if (!p.flags.nonEmpty('client-ca-file')) {
      yield { message: 'kube-apiserver has no --client-ca-file: client certificates are not accepted for authentication', path: p.flags.last('client-ca-file')?.arg.path ?? p.anchor };
    }
  },
);
