import type { BundleCheck, RawFinding } from '../../../engine/types.js';
import type { LoadedObject } from '../../../load/types.js';
import { modelOf } from '../../_lib/controlplane.js';
import { KUBE_BENCH, KUBELET_CONFIG_FILE, OPERATE_ETCD } from '../../_lib/controlplane-references.js';
import type { ConfigReference } from '../../../controlplane/model.js';
import type { ComponentProcess } from '../../../controlplane/process.js';
import type { Component } from '../../../controlplane/flags/table.js';
import { isProbe, probeStatus } from '../../../controlplane/probe.js';

type Finding = RawFinding & { object: LoadedObject };

/** Which checks a missing file leaves without a verdict. */
const JUDGED_BY: Readonly<Record<string, string>> = {
  EncryptionConfiguration: 'ENCRYPTION-PROVIDERS',
  Policy: 'AUDIT-POLICY-GAPS and AUDIT-POLICY-SECRET-BODIES',
  AuthenticationConfiguration: 'AUTHN-CONFIG-ANONYMOUS and APISERVER-ANONYMOUS-AUTH',
  AuthorizationConfiguration: 'AUTHZ-CONFIG-MODES',
  AdmissionConfiguration: 'ADMISSION-PSA-EXEMPTIONS',
  KubeSchedulerConfiguration: 'CP-PROFILING',
  KubeletConfiguration: 'the KUBELET-* checks, for every setting no flag decides',
};

function live(o: LoadedObject): boolean {
  return o.source.file.startsWith('cluster:');
}

function referenceFinding(r: ConfigReference): Finding | undefined {
  const p = r.process;
  const base = { object: p.owner, path: r.flag.arg.path, ...(p.container ? { container: p.container.name } : {}) };
  const what = r.directory ? `the drop-in directory ${r.flag.value}` : r.kind ? `the ${r.kind} ${r.flag.value}` : `${r.flag.value}`;
  switch (r.status) {
    case 'not-kubernetes':
      return { ...base, message: `${p.label} reads its settings from --${r.flag.name}=${r.flag.value} and ignores its other flags and ETCD_* variables; that file is etcd's own format, so the ETCD-* checks are not assessable` };
    case 'unreachable':
      return { ...base, message: `${p.label}: ${what} (--${r.flag.name}) is not a file on the node — ${r.reason} — so ${JUDGED_BY[r.kind ?? ''] ?? 'its checks'} could not judge it` };
    case 'missing': {
      const how = live(p.owner)
        ? 'it lives on the node, which live mode cannot read; scan a copy of the node\'s files to judge it'
        : r.view.description
          ? `not found at ${r.view.toLocal(r.nodePath ?? '') ?? r.nodePath} (${r.view.description})`
          : `not in the scan: add the file, or scan with --root / on the node (or --path-map ${r.nodePath?.split('/').slice(0, 3).join('/') || '/'}=<copy>)`;
      return { ...base, message: `${p.label}: ${what} (--${r.flag.name}, ${r.nodePath} on the node) is ${live(p.owner) ? 'not readable' : 'missing'}: ${how}; ${JUDGED_BY[r.kind ?? ''] ?? 'its checks'} could not judge it` };
    }
    default:
      return undefined;
  }
}

const CONTROL_PLANE: readonly Component[] = ['etcd', 'kube-controller-manager', 'kube-scheduler'];

function* absentComponents(apiserver: ComponentProcess, present: ReadonlySet<Component>, kubelets: number): Iterable<Finding> {
  const base = { object: apiserver.owner, ...(apiserver.container ? { container: apiserver.container.name } : {}) };
  for (const c of CONTROL_PLANE) {
    if (present.has(c)) continue;
    if (c === 'etcd') {
      const servers = apiserver.flags.last('etcd-servers');
      yield { ...base, path: servers?.arg.path ?? apiserver.anchor, message: `etcd is not in the scan${servers ? ` (the API server uses ${servers.value})` : ''}: external etcd, or another node — the ETCD-* checks are not assessable, not passed` };
    } else {
      yield { ...base, path: apiserver.anchor, message: `${c} is not in the scan: its checks are not assessable, not passed` };
    }
  }
  if (kubelets === 0) yield { ...base, path: apiserver.anchor, message: 'no kubelet configuration is in the scan (its KubeletConfiguration, its command line, or live /configz): the KUBELET-* checks are not assessable, not passed' };
}

export const check: BundleCheck = {
  scope: 'bundle',
  meta: {
    id: 'CP-NOT-ASSESSABLE',
    title: 'Control-plane or node setting could not be assessed',
    severity: 'info',
    category: 'control-plane',
    attack: 'A setting kubeharden cannot see is neither safe nor unsafe: reporting it as a pass would hide exactly the component nobody checked (a managed control plane, an external etcd, a config file left out of the scan).',
    remediation: 'Give kubeharden what it needs — the files a flag names (--root / on the node, or --path-map for a copy), the kubelet\'s command line (--cmdline), nodes/proxy or nodes/configz for live kubelets — or accept the gap knowingly (an exemption with a reason).',
    references: [KUBE_BENCH, KUBELET_CONFIG_FILE, OPERATE_ETCD],
    peers: {},
    controls: {},
    setDependent: true,
  },
  *check(ctx) {
    const model = modelOf(ctx);
    for (const r of model.references) {
      const f = referenceFinding(r);
      if (f) yield f;
    }
    // One control plane per namespace (a node's static pods share kube-system): each is judged by
    // what is in its own namespace or in no namespace (files, command lines), so the verdict does
    // not depend on which other namespaces happen to be scanned with it (audit batches namespaces).
    const byNamespace = new Map<string | undefined, ComponentProcess>();
    for (const a of model.ofComponent('kube-apiserver')) if (!byNamespace.has(a.owner.namespace)) byNamespace.set(a.owner.namespace, a);
    for (const [ns, apiserver] of byNamespace) {
      const near = (o: { namespace: string | undefined }) => o.namespace === undefined || o.namespace === ns;
      const present = new Set(model.processes.filter((p) => near(p.owner)).map((p) => p.component));
      yield* absentComponents(apiserver, present, model.kubelets.filter((k) => near(k.anchor.object)).length);
    }
    for (const k of model.kubelets) {
      if (k.process || k.effective || !k.config) continue;
      yield {
        object: k.config,
        path: [],
        message: `no kubelet command line is in the scan for ${k.config.source.file}: its flags and --config-dir drop-ins, which override this file, are unknown (add --cmdline /proc/<kubelet pid>/cmdline, or scan live with --control-plane)`,
      };
    }
    for (const o of ctx.index.ofKind('ControlPlaneProbe')) {
      if (!isProbe(o)) continue;
      const s = probeStatus(o);
      if (s.anonymous?.error) yield { object: o, path: ['status', 'anonymous'], message: `the unauthenticated request to ${s.anonymous.path} failed: ${s.anonymous.error}; APISERVER-ANONYMOUS-PROBE is not assessable` };
      if (s.controlPlane && s.controlPlane.mirrorPods === 0) {
        yield {
          object: o,
          path: ['status', 'controlPlane'],
          message: `the control plane is not visible${s.controlPlane.managed ? ` (managed: ${s.controlPlane.managed})` : ''}: ${s.controlPlane.reason ?? 'no mirror pods in kube-system'}; the APISERVER-*, KCM-*, ETCD-* and CP-* flag checks are not assessable, not passed`,
        };
      }
      const kubelets = s.kubelets ?? [];
      for (let i = 0; i < kubelets.length; i++) {
        const k = kubelets[i];
        if (k.error) yield { object: o, path: ['status', 'kubelets', i], message: `the kubelet of node ${k.node}: ${k.error}; the KUBELET-* checks are not assessable for it` };
      }
    }
  },
};
