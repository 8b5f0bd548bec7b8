/**
 * The explanation of one side of a connection, in words: which policies select the pod for the
 * direction, which rule allows the other end (file:line), or why none does.
 */
import type { SideVerdict } from '../engine.js';
import { peerText, plural, policyRef, ruleRef, ruleText } from '../describe.js';
import type { Protocol } from '../ports.js';
import { policyName, rulesOf, whereIn } from '../policy.js';

export interface AskedPort {
  protocol: Protocol;
  port: number;
}

function portText(p: AskedPort | undefined): string {
  return p ? `${p.protocol} ${p.port}` : 'any port';
}

function sideAllows(side: SideVerdict, port: AskedPort | undefined): boolean {
  return port ? side.ports.has(port.protocol, port.port) : !side.ports.isEmpty;
}

export function sideLines(side: SideVerdict, subject: string, otherText: string, port: AskedPort | undefined): string[] {
  const dir = side.direction.toLowerCase();
  const head = `${dir} of ${subject}:`;
  if (side.status === 'external') return [head, `  an address outside the cluster: NetworkPolicy does not govern this side`];
  if (side.status === 'host-network') return [head, `  a hostNetwork pod: NetworkPolicy does not apply to it`];
  if (side.status === 'open') {
    const others = side.selecting.length ? ` (selected by ${side.selecting.map(policyRef).join(', ')}, which ${side.selecting.length === 1 ? 'has' : 'have'} only ${side.direction === 'Ingress' ? 'Egress' : 'Ingress'} in policyTypes)` : '';
    return [head, `  no NetworkPolicy selects it for ${dir}: allowed by default${others}`];
  }
  const lines = [head, `  isolated for ${dir} by NetworkPolic${side.isolating.length === 1 ? 'y' : 'ies'} ${side.isolating.map(policyRef).join(', ')}`];
  if (sideAllows(side, port)) {
    for (const m of side.matches) {
      if (port ? !m.ports.has(port.protocol, port.port) : m.ports.isEmpty) continue;
      lines.push(`  allowed by ${ruleRef(m.rule)}: ${ruleText(m.rule)}${m.peer ? ` (peer ${m.peer.index}: ${peerText(m.peer, m.rule.policy)})` : ''}`);
    }
    return lines;
  }
  const rules = side.isolating.flatMap((p) => rulesOf(p, side.direction));
  if (rules.length === 0) {
    lines.push(`  denied: ${side.isolating.length === 1 ? 'the policy has' : 'these policies have'} no ${dir} rule (${side.direction === 'Ingress' ? 'ingress' : 'egress'}: [] or absent denies all)`);
  } else {
    lines.push(`  denied: no ${dir} rule allows ${otherText} on ${portText(port)} (${plural(rules.length, 'rule')} in ${plural(side.isolating.length, 'policy', 'policies')}):`);
    for (const rule of rules) {
      const m = side.matches.find((x) => x.rule === rule);
      const why = m ? (m.ports.isEmpty ? 'its peers match, but its ports resolve to none here (a named port the destination lacks?)' : `its peers match, but it allows only ${m.ports.toString()}`) : `no peer matches ${otherText}`;
      lines.push(`    ${policyName(rule.policy)} ${dir} rule ${rule.index} (${whereIn(rule.policy, rule.path)}): ${ruleText(rule)} — ${why}`);
    }
  }
  for (const c of side.cniDependent) {
    lines.push(`  note: ${peerText(c.peer, c.rule.policy)} of ${ruleRef(c.rule)} may also match ${otherText}'s address: whether ipBlocks apply to pod (or node) addresses depends on the CNI (Calico: yes; Cilium: no)`);
  }
  return lines;
}
