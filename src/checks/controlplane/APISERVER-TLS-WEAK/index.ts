import type { RawFinding } from '../../../engine/types.js';
import type { ComponentProcess } from '../../../controlplane/process.js';
import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, GO_TLS, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { cipherVerdict, cipherWeakness, FIRST_MINOR_WITH_TLS12_DEFAULT, TLS_VERSIONS } from '../../../controlplane/tls.js';

/** Weak TLS settings of a Kubernetes component's serving flags (shared by the components that serve TLS). */
export function* weakTlsFlags(p: ComponentProcess): Iterable<RawFinding> {
  const min = p.flags.last('tls-min-version');
  if (min && min.value !== '') {
    const v = TLS_VERSIONS[min.value];
    if (v === undefined) yield { message: `--tls-min-version=${min.value} is not one of ${Object.keys(TLS_VERSIONS).join(', ')}: ${p.component} refuses to start`, path: min.arg.path, severity: 'high' };
    else if (v < 12) yield { message: `--tls-min-version=${min.value} lets clients negotiate TLS 1.${v - 10}, which has known weaknesses (BEAST, downgrade)`, path: min.arg.path };
  } else if (p.minor === undefined) {
    yield { message: `${p.component} does not set --tls-min-version and its release is unknown: builds before Go 1.22 (Kubernetes v1.29 and older) accept TLS 1.0`, path: min?.arg.path ?? p.anchor, severity: 'low' };
  } else if (p.minor < FIRST_MINOR_WITH_TLS12_DEFAULT) {
    yield { message: `${p.component} v1.${p.minor} does not set --tls-min-version: it was built with a Go release whose servers accept TLS 1.0`, path: min?.arg.path ?? p.anchor };
  }
  for (const item of p.flags.list('tls-cipher-suites') ?? []) {
    const verdict = cipherVerdict(item.value);
    if (verdict === 'strong') continue;
    if (verdict === 'unknown') yield { message: `--tls-cipher-suites names ${item.value}, which is not a cipher suite ${p.component} knows: it refuses to start`, path: item.at.arg.path, severity: 'high' };
    else yield { message: `--tls-cipher-suites allows ${item.value}: ${cipherWeakness(item.value)}`, path: item.at.arg.path, severity: verdict === 'insecure' ? 'high' : 'medium' };
  }
}

export const check = processCheck(
  {
    id: 'APISERVER-TLS-WEAK',
    title: 'API server accepts old TLS versions or weak cipher suites',
    severity: 'medium',
    category: 'control-plane',
    attack: 'TLS 1.0/1.1 and weak suites (RC4, 3DES, CBC, RSA key exchange without forward secrecy) let an attacker on the network path downgrade or decrypt sessions that carry bearer tokens and Secrets.',
    remediation: 'Set --tls-min-version=VersionTLS12 (or VersionTLS13) and, if you list --tls-cipher-suites at all, list only ECDHE suites with AES-GCM or ChaCha20-Poly1305.',
    references: [GO_TLS, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_105'] },
    controls: { cis: ['1.2.29'], nsa: [NSA.tls] },
  },
  ['kube-apiserver'],
  weakTlsFlags,
);
