import { kubeletCheck, kubeletFinding, kubeletValue } from '../../_lib/controlplane.js';
import { CIS_K8S, GO_TLS, KUBELET_CONFIG_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { KUBELET_FIELDS } from '../../../controlplane/kubelet.js';
import { cipherVerdict, cipherWeakness, FIRST_MINOR_WITH_TLS12_DEFAULT, TLS_VERSIONS } from '../../../controlplane/tls.js';
import { KUBELET_VERSION_ANNOTATION } from '../../../controlplane/model.js';

export const check = kubeletCheck(
  {
    id: 'KUBELET-TLS-WEAK',
    title: 'Kubelet accepts old TLS versions or weak cipher suites',
    severity: 'medium',
    category: 'node',
    attack: 'TLS 1.0/1.1 and weak suites (RC4, 3DES, CBC, RSA key exchange) let an attacker on the network path downgrade or decrypt the kubelet API sessions that carry exec streams, logs and bearer tokens.',
    remediation: 'Set tlsMinVersion: VersionTLS12 (or 13) and, if you set tlsCipherSuites at all, list only ECDHE suites with AES-GCM or ChaCha20-Poly1305.',
    references: [GO_TLS, KUBELET_CONFIG_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_151'] },
    controls: { cis: ['4.2.12'], nsa: [NSA.tls] },
  },
  function* (k) {
    const min = kubeletValue(k, KUBELET_FIELDS.tlsMinVersion);
    if (min && typeof min.value === 'string') {
      const v = TLS_VERSIONS[min.value];
      if (min.value === '') {
        // Unset: Go's default, TLS 1.2 for kubelets built with Go 1.22+ (v1.30+). Only a live node says which release runs.
        const version = k.config?.annotations[KUBELET_VERSION_ANNOTATION];
        const minor = version ? Number(/^v1\.(\d+)/.exec(version)?.[1]) : undefined;
        if (minor !== undefined && minor < FIRST_MINOR_WITH_TLS12_DEFAULT) yield kubeletFinding(min, `the kubelet (${version}) sets no tlsMinVersion and was built with a Go release whose servers accept TLS 1.0`);
      } else if (v === undefined) yield kubeletFinding(min, `tlsMinVersion ${min.value} is not one of ${Object.keys(TLS_VERSIONS).join(', ')}: the kubelet refuses to start`, 'high');
      else if (v < 12) yield kubeletFinding(min, `the kubelet accepts TLS 1.${v - 10}: tlsMinVersion is ${min.value}`);
    }
    const suites = kubeletValue(k, KUBELET_FIELDS.tlsCipherSuites);
    if (suites && Array.isArray(suites.value)) {
      for (const s of suites.value as string[]) {
        const verdict = cipherVerdict(s);
        if (verdict === 'strong') continue;
        if (verdict === 'unknown') yield kubeletFinding(suites, `tlsCipherSuites names ${s}, which the kubelet does not know: it refuses to start`, 'high');
        else yield kubeletFinding(suites, `the kubelet allows ${s}: ${cipherWeakness(s)}`, verdict === 'insecure' ? 'high' : 'medium');
      }
    }
  },
);
