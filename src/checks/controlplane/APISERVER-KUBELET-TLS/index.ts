import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KUBE_APISERVER_REF, KUBELET_AUTHN, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

export const check = processCheck(
  {
    id: 'APISERVER-KUBELET-TLS',
    title: 'API server does not verify kubelets or cannot authenticate to them',
    severity: 'medium',
    category: 'control-plane',
    attack: 'The API server forwards exec, attach, port-forward and logs to kubelets. Without --kubelet-certificate-authority it does not verify the kubelet\'s certificate, so anyone who can redirect node traffic receives those sessions; without a client certificate the kubelets must let it in anonymously.',
    remediation: 'Set --kubelet-certificate-authority to the CA that signs kubelet serving certificates (with serverTLSBootstrap on the kubelets), and --kubelet-client-certificate/--kubelet-client-key.',
    references: [KUBELET_AUTHN, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_72', 'CKV_K8S_71'] },
    controls: { cis: ['1.2.4', '1.2.5'], nsa: [NSA.tls] },
  },
  ['kube-apiserver'],
  function* (p) {
    const cert = p.flags.nonEmpty('kubelet-client-certificate');
    const key = p.flags.nonEmpty('kubelet-client-key');
    if (!cert || !key) {
      const missing = [!cert && '--kubelet-client-certificate', !key && '--kubelet-client-key'].filter(Boolean).join(' and ');
      yield { message: `kube-apiserver has no ${missing}: it cannot authenticate to kubelets, which then must serve it anonymously`, path: (cert ?? key)?.arg.path ?? p.anchor };
    }
    if (!p.flags.nonEmpty('kubelet-certificate-authority')) {
      yield { message: 'kube-apiserver has no --kubelet-certificate-authority: it does not verify the kubelet\'s serving certificate when it forwards exec, attach, port-forward and logs', path: p.flags.last('kubelet-certificate-authority')?.arg.path ?? p.anchor };
    }
  },
);
