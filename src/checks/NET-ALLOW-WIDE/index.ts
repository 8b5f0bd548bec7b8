import type { ObjectCheck, RawFinding, Severity } from '../../engine/types.js';
import type { ObjectIndex } from '../../engine/object-index.js';
import type { Path } from '../../load/types.js';
import { PUBLIC_INTERNET, coversPublicInternet } from '../../netpol/ip.js';
import { defaultDenies, netpolOf, type NetPolicy } from '../../netpol/index.js';
import { NETWORK_POLICIES, NSA_CISA } from '../_lib/references.js';

const policyByObject = (index: ObjectIndex) => new Map(netpolOf(index).world.policies.map((p) => [p.object, p]));

/** Workloads of the scan whose pods the policy selects (host-network pods are outside NetworkPolicy). */
function selectedWorkloads(index: ObjectIndex, p: NetPolicy): string[] {
  const names = netpolOf(index)
    .world.pods.filter((pod) => pod.namespace === p.namespace && p.podSelector.matches(pod.labels))
    .map((pod) => pod.workload.name);
  return [...new Set(names)];
}

function listed(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => `"${n}"`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['NetworkPolicy'],
  meta: {
    id: 'NET-ALLOW-WIDE',
    title: 'NetworkPolicy allow rule is wider than the namespace default-deny intends',
    severity: 'medium',
    setDependent: true,
    category: 'network',
    attack: 'A namespace with a default-deny is meant to admit only named peers. A rule without `from`, an ipBlock over public addresses or `namespaceSelector: {}` quietly reopens its workloads to the internet or to every pod of the cluster: the first foothold anywhere reaches them.',
    remediation: 'Name the peers the workload needs: a namespaceSelector on kubernetes.io/metadata.name (plus a podSelector in the same element to AND them), or the exact CIDRs of the clients outside the cluster. Check the result with `kubeharden netpol exposure`.',
    references: [NETWORK_POLICIES, NSA_CISA],
    peers: {},
  },
  *check(o, ctx) {
    const np = netpolOf(ctx.index);
    const p = ctx.index.derived(policyByObject).get(o);
    if (!p || !p.types.has('Ingress') || p.ingress.length === 0) return;
    const deny = defaultDenies(np.world.policiesByNamespace.get(p.namespace) ?? [], 'Ingress');
    if (!deny) return; // without a default-deny, NET-NS-DEFAULT-DENY speaks
    const workloads = selectedWorkloads(ctx.index, p);
    if (workloads.length === 0) return; // it selects nothing here: NET-NETPOL-DANGLING speaks
    const denyText = deny === p ? 'which is itself the namespace default-deny' : `although namespace "${p.namespace}" has default-deny "${deny.name}"`;
    const who = `workload${workloads.length === 1 ? '' : 's'} ${listed(workloads)}`;
    const out: RawFinding[] = [];
    const add = (path: Path, what: string, severity?: Severity) => out.push({ path, message: `ingress rule ${path[2]} of NetworkPolicy "${p.name}" admits ${what} to ${who}, ${denyText}`, ...(severity ? { severity } : {}) });
    for (const rule of p.ingress) {
      const ports = rule.ports === undefined ? 'on every port' : `on ${rule.ports.map((x) => `${x.protocol} ${x.port ?? 'all'}${x.endPort ? `-${x.endPort}` : ''}`).join(', ')}`;
      if (rule.peers === undefined) {
        // Limited to some ports, it is usually deliberate: clients whose addresses are unknown
        // (the API server calling a webhook, a load balancer's nodes). On every port it undoes the deny.
        add(rule.path, `every source, including the internet (the rule has no \`from\`), ${ports}`, rule.ports === undefined ? undefined : 'low');
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          const pub = peer.set.intersect(PUBLIC_INTERNET);
          if (pub.empty) continue;
          const wide = coversPublicInternet(pub);
          add(peer.path, `${wide ? 'the whole internet' : 'public internet addresses'} (ipBlock ${peer.cidr.text}${peer.except.length ? ` except ${peer.except.map((e) => e.text).join(', ')}` : ''}) ${ports}`, wide ? undefined : 'low');
        } else if (peer.namespaceSelector?.empty) {
          add(peer.path, `${peer.podSelector ? `pods ${peer.podSelector.text} of every namespace` : 'every pod of every namespace'} (namespaceSelector: {}) ${ports}`, 'low');
        }
      }
    }
    yield* out;
  },
};
