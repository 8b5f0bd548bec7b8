/**
 * One-line judgement of a disagreement: whose verdict is right by the Pod Security Standards and
 * Kubernetes semantics (the oracle), and why the other side differs (the peer's documented or
 * observed behaviour). Disagreements with the same reason are grouped in RESULTS.md.
 */
import type { Disagreement } from './agreement.js';
import { truthOf, type Truth } from './oracle.js';

export type Right = 'kubeharden' | 'peer' | 'both' | 'unjudged';

export interface Judgement {
  right: Right;
  /** Stable reason (the grouping key in RESULTS.md). */
  reason: string;
  /** Object-specific detail (e.g. which container and field). */
  detail: string;
}

type Input = Omit<Disagreement, 'judgement'>;

const PEER_LABEL: Record<string, string> = { checkov: 'Checkov', kubeScore: 'kube-score', kubeLinter: 'kube-linter', polaris: 'Polaris' };

/** Why a peer's verdict differs from the oracle's, when kubeharden agrees with the oracle. */
type PeerExplainer = (d: Input, t: Truth) => string | undefined;

export const PEER_EXPLAINERS: PeerExplainer[] = [];

/** Why kubeharden's verdict is defensible although it differs from the oracle (policy choices). */
type KhExplainer = (d: Input, t: Truth) => { right: Right; reason: string } | undefined;

export const KH_EXPLAINERS: KhExplainer[] = [];

export function judge(d: Input, khErrorFiles: Set<string>): Judgement {
  const peer = PEER_LABEL[d.mapping.peer] ?? d.mapping.peer;
  const ids = d.mapping.peerChecks.join('/');
  const t = truthOf(d.mapping.khCheck, d.object);
  if (!d.object) return { right: 'unjudged', reason: `object not found in the corpus model (${d.key})`, detail: '' };
  if (d.kh === 'none' && khErrorFiles.has(d.object.file)) {
    return { right: 'peer', reason: `kubeharden reported an input error for the file and gave no verdict; ${peer} ${ids} did`, detail: '' };
  }
  if (!t) return { right: 'unjudged', reason: `no oracle for ${d.mapping.khCheck} (${peer} ${ids} says ${d.peer}, kubeharden ${d.kh})`, detail: '' };
  const detail = t.why.join('; ');
  const khFail = d.kh === 'fail';
  const peerFail = d.peer === 'fail';
  const khRight = d.containerLevel ? sameSet(d.khContainers.filter(Boolean), t.containers.filter(Boolean)) || (t.containers.includes('') && d.khContainers.includes('')) : khFail === t.fail;
  const peerRight = d.containerLevel ? sameSet(d.peerContainers.filter(Boolean), t.containers.filter(Boolean)) : peerFail === t.fail;
  if (khRight && !peerRight) {
    for (const e of PEER_EXPLAINERS) {
      const r = e(d, t);
      if (r) return { right: 'kubeharden', reason: r.replace(/\{peer\}/g, peer).replace(/\{ids\}/g, ids), detail };
    }
    return { right: 'kubeharden', reason: `${peer} ${ids} ${d.peer === 'none' ? 'gives no verdict' : d.peer === 'fail' ? 'fails' : 'passes'} where the ${d.mapping.khCheck} definition says ${t.fail ? 'fail' : 'pass'} (unexplained)`, detail };
  }
  for (const e of KH_EXPLAINERS) {
    const r = e(d, t);
    if (r) return { ...r, reason: r.reason.replace(/\{peer\}/g, peer).replace(/\{ids\}/g, ids), detail };
  }
  if (peerRight && !khRight) return { right: 'peer', reason: `kubeharden ${d.mapping.khCheck} ${d.kh === 'none' ? 'gives no verdict' : khFail ? 'fails' : 'passes'} where the definition says ${t.fail ? 'fail' : 'pass'} — kubeharden wrong`, detail };
  return { right: 'unjudged', reason: `both differ from the oracle (kubeharden ${d.kh}, ${peer} ${d.peer})`, detail };
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
