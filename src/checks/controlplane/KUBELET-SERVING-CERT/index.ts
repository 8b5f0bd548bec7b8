import { kubeletCheck, kubeletFinding, kubeletValue } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBELET_CONFIG_REF, KUBELET_TLS_BOOTSTRAP, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';

export const check = kubeletCheck(
  {
    id: 'KUBELET-SERVING-CERT',
    title: 'Kubelet serves a self-signed certificate',
    severity: 'medium',
    category: 'node',
    attack: 'Without tlsCertFile/tlsPrivateKeyFile or serverTLSBootstrap the kubelet serves a certificate it signed itself, which the API server cannot verify: exec, attach, port-forward and log sessions forwarded to the node can be intercepted by anyone who can redirect node traffic.',
    remediation: 'Set serverTLSBootstrap: true (and approve the kubelet-serving CSRs), or give the kubelet a certificate signed by the cluster CA with tlsCertFile and tlsPrivateKeyFile.',
    references: [KUBELET_TLS_BOOTSTRAP, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_147'] },
    controls: { cis: ['4.2.9'], nsa: [NSA.tls] },
  },
  function* (k) {
    const bootstrap = kubeletValue(k, KUBELET_FIELDS.serverTLSBootstrap);
    const cert = kubeletValue(k, KUBELET_FIELDS.tlsCertFile);
    const key = kubeletValue(k, KUBELET_FIELDS.tlsPrivateKeyFile);
    if (!bootstrap || !cert || !key) return; // not assessable
    if (bootstrap.value === true || (cert.value !== '' && key.value !== '')) return;
    yield kubeletFinding(bootstrap, 'the kubelet serves a self-signed certificate: neither serverTLSBootstrap nor tlsCertFile and tlsPrivateKeyFile are set');
  },
);
