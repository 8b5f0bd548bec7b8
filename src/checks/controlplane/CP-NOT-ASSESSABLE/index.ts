import type { BundleCheck, RawFinding } from '../../../engine/types.js';
import type { LoadedObject } from '../../../load/types.js';
import { modelOf } from '../../_lib/controlplane.js';
import { KUBE_BENCH, KUBELET_CONFIG_FILE, OPERATE_ETCD } from '../../_lib/controlplane-references.js';
import type { ConfigReference, ControlPlaneModel } from '../../../controlplane/model.js';
import type { ComponentProcess } from '../../../controlplane/process.js';
import type { Component } from '../../../controlplane/flags/table.js';
import { invisibleReason, isProbe, probeFacts } from '../../../controlplane/probe.js';
import { ANONYMOUS_PROBE_KIND, CONTROL_PLANE_PROBE_KIND, isFactsObject } from '../../_lib/cluster-facts.js';

type Finding = RawFinding & { object: LoadedObject };

/** Where a process runs, as the order objects are listed in: kind, then name. */
const anchorKey = (p: ComponentProcess) => `${p.owner.kind}\u0000${p.owner.name}`;

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

/** Kubelets that could not be read are named one by one up to this many; beyond, grouped by the first reason. */
const KUBELETS_NAMED = 3;

/**
 * What the live probe leaves unassessed: a control plane that is not visible in the probe's
 * namespace (judged from the objects of that namespace and the node-level ones, so audit's
 * namespace batches agree with one scan), and the kubelets whose /configz could not be read.
 */
function* probeFindings(o: LoadedObject, model: ControlPlaneModel): Iterable<Finding> {
  const facts = probeFacts(o);
  const visible = model.controlPlanes.some((p) => (p.namespace === o.namespace || p.namespace === undefined) && p.own.some((x) => x.component !== 'kubelet'));
  if (!visible) {
    yield { object: o, path: facts.managed ? ['managed'] : ['gitVersion'], message: `the control plane is not visible: ${invisibleReason(facts)}; the APISERVER-*, KCM-*, ETCD-* and CP-* flag checks are not assessable, not passed` };
  }
  const failed = facts.kubelets.map((k, i) => ({ ...k, i })).filter((k) => k.error);
  if (failed.length <= KUBELETS_NAMED) {
    for (const k of failed) yield { object: o, path: ['kubelets', k.i], message: `the kubelet of node ${k.node}: ${k.error}; the KUBELET-* checks are not assessable for it` };
  } else {
    const names = failed.slice(0, KUBELETS_NAMED).map((k) => k.node).join(', ');
    yield { object: o, path: ['kubelets', failed[0].i], message: `the kubelets of ${failed.length} nodes (${names}, …) could not be read; the first: ${failed[0].error}; the KUBELET-* checks are not assessable for them` };
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
    // Once per control plane, on its API server first by kind and name (not first in input order:
    // files and the API list objects in different orders, and scan and audit must anchor alike).
    for (const plane of model.controlPlanes) {
      const apiserver = plane.own.filter((p) => p.component === 'kube-apiserver').reduce<ComponentProcess | undefined>((a, p) => (!a || anchorKey(p) < anchorKey(a) ? p : a), undefined);
      if (apiserver) yield* absentComponents(apiserver, new Set(plane.processes.map((p) => p.component)), plane.kubelets.length);
    }
    for (const k of model.kubelets) {
      if (k.process || k.effective || !k.config) continue;
      yield {
        object: k.config,
        path: [],
        message: `no kubelet command line is in the scan for ${k.config.source.file}: its flags and --config-dir drop-ins, which override this file, are unknown (add --cmdline /proc/<kubelet pid>/cmdline, or scan live with --control-plane)`,
      };
    }
    for (const o of ctx.index.ofKind(CONTROL_PLANE_PROBE_KIND)) {
      if (isProbe(o)) yield* probeFindings(o, model);
    }
    for (const o of ctx.index.ofKind(ANONYMOUS_PROBE_KIND)) {
      if (isFactsObject(o, ANONYMOUS_PROBE_KIND) && o.object.assessable === false) {
        yield { object: o, path: ['assessable'], message: `anonymous access could not be probed: ${String(o.object.reason ?? 'no reason given')}; CLU-ANONYMOUS-AUTH is not assessable` };
      }
    }
  },
};
