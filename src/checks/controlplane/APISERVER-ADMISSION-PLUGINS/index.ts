import type { RawFinding, Severity } from '../../../engine/types.js';
import { processCheck } from '../../_lib/controlplane.js';
import { ADMISSION, CIS_K8S, KUBE_APISERVER_REF, NODE_AUTHZ, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA, PSS } from '../../_lib/references.js';
import { admissionState } from '../../../controlplane/admission-plugins.js';

/** Default-on plugins whose loss weakens the cluster, and what is lost. */
const MUST_STAY_ON: ReadonlyArray<{ plugin: string; severity: Severity; lost: string }> = [
  { plugin: 'PodSecurity', severity: 'high', lost: 'no Pod Security Standards are enforced, whatever the namespace labels say' },
  { plugin: 'ServiceAccount', severity: 'medium', lost: 'pods are no longer bound to existing ServiceAccounts and their tokens are not managed' },
  { plugin: 'NamespaceLifecycle', severity: 'medium', lost: 'objects can be created in namespaces being deleted or that do not exist, and the system namespaces can be deleted' },
];

export const check = processCheck(
  {
    id: 'APISERVER-ADMISSION-PLUGINS',
    title: 'API server admission plugins leave out a security control',
    severity: 'medium',
    category: 'control-plane',
    attack: 'Admission plugins are where the API server enforces Pod Security Standards (PodSecurity), stops kubelets from editing other nodes and pods (NodeRestriction) and ties pods to real ServiceAccounts: disabling them removes the guardrails everything else assumes.',
    remediation: 'Add NodeRestriction to --enable-admission-plugins, keep PodSecurity, ServiceAccount and NamespaceLifecycle out of --disable-admission-plugins, and drop AlwaysAdmit.',
    references: [ADMISSION, NODE_AUTHZ, PSS, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_79', 'CKV_K8S_82', 'CKV_K8S_83', 'CKV_K8S_85'] },
    controls: { cis: ['1.2.10', '1.2.12', '1.2.13', '1.2.14'], nsa: [NSA.controlPlane, NSA.podSecurity] },
  },
  ['kube-apiserver'],
  function* (p) {
    const s = admissionState(p.flags);
    const enableAt = p.flags.last(s.legacy ? 'admission-control' : 'enable-admission-plugins')?.arg.path ?? p.anchor;
    const out: RawFinding[] = [];
    if (!s.enabled.has('NodeRestriction')) {
      out.push({ message: 'NodeRestriction is not enabled: a kubelet\'s credentials can modify any node object and the pods of other nodes (add it to --enable-admission-plugins)', path: enableAt, severity: 'medium' });
    }
    for (const m of MUST_STAY_ON) {
      if (s.enabled.has(m.plugin)) continue;
      const by = s.disabledBy.get(m.plugin);
      const how = by ? `--disable-admission-plugins turns ${m.plugin} off` : `${m.plugin} is missing from the --admission-control list, which replaces the default plugins`;
      out.push({ message: `${how}: ${m.lost}`, path: by?.at.arg.path ?? enableAt, severity: m.severity });
    }
    const admit = s.enabledBy.get('AlwaysAdmit');
    if (admit && s.enabled.has('AlwaysAdmit')) {
      out.push({ message: 'AlwaysAdmit is enabled: the deprecated plugin admits every request and checks nothing (it does not switch the other plugins off, but says the admission chain was not configured with care)', path: admit.at.arg.path, severity: 'low' });
    }
    yield* out;
  },
);
