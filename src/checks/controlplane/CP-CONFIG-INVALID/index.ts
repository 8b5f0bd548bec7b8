import type { RawFinding } from '../../../engine/types.js';
import type { LoadedObject } from '../../../load/types.js';
import { modelOf } from '../../_lib/controlplane.js';
import { ADMISSION, AUTHENTICATION, AUTHORIZATION, KUBELET_CONFIG_FILE, KUBE_APISERVER_REF, ETCD_SECURITY } from '../../_lib/controlplane-references.js';
import type { ComponentProcess } from '../../../controlplane/process.js';
import type { ControlPlaneModel } from '../../../controlplane/model.js';
import { ALL_PLUGINS } from '../../../controlplane/admission-plugins.js';
import { isConfigKind } from '../../../controlplane/config-kinds.js';
import { envName } from '../../../controlplane/etcd.js';
import { getIn } from '../../../k8s/json.js';

/** Reported by CP-INSECURE-PORT instead. */
const INSECURE = new Set(['insecure-port', 'insecure-bind-address', 'port', 'address']);
const AUTHZ_MODES = new Set(['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node']);

type Finding = RawFinding & { object: LoadedObject };

function* flagProblems(p: ComponentProcess): Iterable<Finding> {
  for (const prob of p.flags.problems) {
    if (prob.kind === 'unknown-flag' && prob.flag && INSECURE.has(prob.flag) && p.component !== 'kubelet' && p.component !== 'etcd') continue;
    const severity = prob.fatal ? 'high' : prob.kind === 'quoted-value' ? 'medium' : 'low';
    yield { object: p.owner, path: prob.arg.path, message: `${p.label}: ${prob.message}`, severity, ...(p.container ? { container: p.container.name } : {}) };
  }
}

function* apiserverConflicts(p: ComponentProcess, model: ControlPlaneModel): Iterable<Finding> {
  const at = (path: RawFinding['path'], message: string): Finding => ({ object: p.owner, path, message: `${p.label}: ${message}: kube-apiserver refuses to start`, severity: 'high', ...(p.container ? { container: p.container.name } : {}) });
  const authzConfig = p.flags.nonEmpty('authorization-config');
  const modeFlag = p.flags.last('authorization-mode');
  if (authzConfig && modeFlag) yield at(modeFlag.arg.path, '--authorization-mode cannot be used together with --authorization-config');
  const modes = p.flags.list('authorization-mode') ?? [];
  const seen = new Set<string>();
  for (const m of modes) {
    if (!AUTHZ_MODES.has(m.value)) yield at(m.at.arg.path, `"${m.value}" is not an authorization mode (${[...AUTHZ_MODES].join(', ')})`);
    else if (seen.has(m.value)) yield at(m.at.arg.path, `authorization mode ${m.value} is given more than once (repeated --authorization-mode flags add up)`);
    seen.add(m.value);
  }
  const legacy = p.flags.last('admission-control');
  if (legacy && (p.flags.isSet('enable-admission-plugins') || p.flags.isSet('disable-admission-plugins'))) {
    yield at(legacy.arg.path, '--admission-control cannot be combined with --enable-admission-plugins or --disable-admission-plugins');
  }
  const enabled = new Set<string>();
  for (const flag of ['admission-control', 'enable-admission-plugins', 'disable-admission-plugins']) {
    for (const item of p.flags.list(flag) ?? []) {
      if (!ALL_PLUGINS.has(item.value)) yield at(item.at.arg.path, `--${flag} names "${item.value}", which is not an admission plugin of kube-apiserver v1.35`);
      if (flag === 'enable-admission-plugins') enabled.add(item.value);
      if (flag === 'disable-admission-plugins' && enabled.has(item.value)) yield at(item.at.arg.path, `${item.value} is both enabled and disabled`);
    }
  }
  const anon = p.flags.last('anonymous-auth');
  const authn = model.reference(p, 'authentication-config');
  const authnCfg = authn?.status === 'found' ? authn.objects.find((o) => isConfigKind(o, 'AuthenticationConfiguration')) : undefined;
  if (anon && authnCfg && getIn(authnCfg.object, ['anonymous']) !== undefined) {
    yield at(anon.arg.path, `--anonymous-auth cannot be set when the AuthenticationConfiguration in ${authnCfg.source.file} configures anonymous`);
  }
}

function* etcdConflicts(p: ComponentProcess): Iterable<Finding> {
  for (const e of p.env) {
    if (!e.name.startsWith('ETCD_')) continue; // etcd exits even for an empty variable shadowed by its flag
    const flag = e.name.slice(5).toLowerCase().replaceAll('_', '-');
    if (envName(flag) === e.name && p.flags.isSet(flag)) {
      yield { object: p.owner, path: e.path, message: `${p.label}: ${e.name} and --${flag} are both set: etcd refuses to start ("conflicting environment variable is shadowed by corresponding command-line flag")`, severity: 'high', ...(p.container ? { container: p.container.name } : {}) };
    }
  }
}

export const check = {
  scope: 'bundle' as const,
  meta: {
    id: 'CP-CONFIG-INVALID',
    title: 'Control-plane component would refuse to start with this configuration',
    severity: 'high' as const,
    category: 'control-plane' as const,
    attack: 'A command line or configuration file the component rejects means the component does not run — or, after an upgrade, stops running. A configuration that only looks right (a quoted value, a boolean given as a separate argument, a flag repeated with another value) makes the other checks judge settings the component does not actually use.',
    remediation: 'Fix the flag or file as the message says: unknown or removed flags, values that do not parse, quotes that a shell would have removed, conflicting flags, files of the wrong kind.',
    references: [KUBE_APISERVER_REF, AUTHENTICATION, AUTHORIZATION, ADMISSION, KUBELET_CONFIG_FILE, ETCD_SECURITY],
    peers: {},
    controls: {},
  },
  *check(ctx) {
    const model = modelOf(ctx);
    for (const p of model.processes) {
      yield* flagProblems(p);
      if (p.component === 'kube-apiserver') yield* apiserverConflicts(p, model);
      if (p.component === 'etcd') yield* etcdConflicts(p);
    }
    for (const r of model.references) {
      if (r.status !== 'wrong-kind') continue;
      const kinds = [...new Set(r.objects.map((o) => o.kind))].join(', ');
      yield { object: r.process.owner, path: r.flag.arg.path, message: `${r.process.label}: --${r.flag.name} names ${r.nodePath}, which holds ${kinds}, not a ${r.kind}: ${r.process.component} refuses to start`, severity: 'high' };
    }
    for (const k of model.kubelets) {
      for (const d of k.dropIns) {
        if (!isConfigKind(d, 'KubeletConfiguration') || d.apiVersion !== 'kubelet.config.k8s.io/v1beta1') {
          yield { object: d, path: [], message: `the kubelet drop-in ${d.source.file} is ${d.apiVersion} ${d.kind}, not a kubelet.config.k8s.io/v1beta1 KubeletConfiguration: the kubelet refuses to start` };
        }
      }
    }
  },
} satisfies import('../../../engine/types.js').BundleCheck;
