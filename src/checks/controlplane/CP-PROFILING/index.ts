import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, KUBE_APISERVER_REF, NSA, SCHEDULER_CONFIG, SCHEDULER_REF } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { getIn } from '../../../k8s/json.js';
import { isConfigKind } from '../../../controlplane/config-kinds.js';

export const check = processCheck(
  {
    id: 'CP-PROFILING',
    title: 'Control-plane component serves profiling endpoints',
    severity: 'medium',
    category: 'control-plane',
    attack: 'Profiling (/debug/pprof) exposes goroutine dumps, heap profiles and command lines to anyone authorized for those paths, and lets them make the component spend CPU on demand — information and leverage the components do not need to give away.',
    remediation: 'Set --profiling=false on kube-apiserver, kube-controller-manager and kube-scheduler (for a scheduler started with --config: enableProfiling: false in its KubeSchedulerConfiguration).',
    references: [KUBE_APISERVER_REF, KCM_REF, SCHEDULER_REF, SCHEDULER_CONFIG, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_90', 'CKV_K8S_107', 'CKV_K8S_114'] },
    controls: { cis: ['1.2.15', '1.3.2', '1.4.1'], nsa: [NSA.controlPlane] },
  },
  ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  function* (p, _ctx, model) {
    // A scheduler with --config takes enableProfiling from that file and ignores --profiling.
    if (p.component === 'kube-scheduler' && p.flags.nonEmpty('config')) {
      const ref = model.reference(p, 'config');
      const cfg = ref?.status === 'found' ? ref.objects.find((o) => isConfigKind(o, 'KubeSchedulerConfiguration')) : undefined;
      if (!cfg) return; // not assessable: CP-NOT-ASSESSABLE
      const v = getIn(cfg.object, ['enableProfiling']);
      if (v === false) return;
      yield {
        message: `kube-scheduler reads its configuration from ${cfg.source.file}, where enableProfiling is ${v === undefined ? 'not set (default true)' : String(v)}${p.flags.isSet('profiling') ? '; its --profiling flag is ignored' : ''}`,
        path: p.flags.last('config')?.arg.path ?? p.anchor,
      };
      return;
    }
    const f = p.flags.bool('profiling');
    if (p.flags.isSet('profiling') && !f) return; // does not parse: CP-CONFIG-INVALID
    if (f?.value === false) return;
    yield {
      message: f ? `${p.component} runs with --profiling=true: /debug/pprof is served` : `${p.component} does not set --profiling, which defaults to true: /debug/pprof is served`,
      path: f?.at.arg.path ?? p.anchor,
    };
  },
);
