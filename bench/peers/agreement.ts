/**
 * Agreement between kubeharden and each peer on the checks that map (the `peers` ids of
 * `kubeharden checks -o json`, the catalogue's single source of truth). For every object either
 * side has a verdict on, the verdicts are compared; every disagreement is judged against an
 * independent oracle of the check's meaning (Pod Security Standards / Kubernetes semantics, see
 * oracle.ts) and explained by the peer's known behaviour (explain.ts).
 */
import type { CorpusObject } from './corpus.js';
import { judge } from './explain.js';
import type { CatalogueCheck, Disagreement, Mapping, PairResult, PeerContext, PeerId, Side } from './model.js';
import type { Verdict, VerdictIndex } from './parse.js';

/**
 * kube-score bundles several kubeharden checks into one check id; its comments say which part
 * failed. A comment counts for a kubeharden check only if its summary matches.
 */
const KUBE_SCORE_COMMENT_FILTER: Record<string, RegExp> = {
  'CTR-HIGH-UID|container-security-context-user-group-id': /user ?id|no configured security context/i,
  'CTR-HIGH-GID|container-security-context-user-group-id': /group ?id|no configured security context/i,
  'RES-CPU-REQ|container-resources': /CPU request/i,
  'RES-CPU-LIM|container-resources': /CPU limit/i,
  'RES-MEM-REQ|container-resources': /Memory request/i,
  'RES-MEM-LIM|container-resources': /Memory limit/i,
  'REL-PROBES|pod-probes': /probe/i,
};

export function mappingsFor(catalogue: CatalogueCheck[], peers: PeerId[]): Mapping[] {
  const out: Mapping[] = [];
  for (const c of catalogue) {
    for (const p of peers) {
      const ids = c.peers[p];
      if (ids && ids.length) out.push({ khCheck: c.id, scope: c.scope, peer: p, peerChecks: ids });
    }
  }
  return out;
}

/** kubeharden's per-check Pod Security checks: PSS-<upstream check id> (not the bundle-level PSS-NAMESPACE-NO-ENFORCE). */
const PSS_CHECK = /^PSS-([a-z][A-Za-z_]*)$/;

/** The upstream Pod Security check ids kubeharden implements, which Kyverno's podSecurity rule reports. */
export function kyvernoControls(catalogue: CatalogueCheck[]): string[] {
  return catalogue.flatMap((c) => PSS_CHECK.exec(c.id)?.[1] ?? []);
}

/**
 * Kyverno is mapped by construction, not through the catalogue's `peers`: its podSecurity rule
 * runs the upstream Pod Security checks and names each failing one by its upstream id, which is
 * the name of kubeharden's PSS-<id> check.
 */
export function kyvernoMappings(catalogue: CatalogueCheck[]): Mapping[] {
  return catalogue.flatMap((c) => {
    const id = PSS_CHECK.exec(c.id)?.[1];
    return id ? [{ khCheck: c.id, scope: c.scope, peer: 'kyverno' as const, peerChecks: [id] }] : [];
  });
}

function peerVerdict(m: Mapping, idx: VerdictIndex, key: string): { side: Side; containers: string[]; notes: string[] } {
  let side: Side = 'none';
  const containers = new Set<string>();
  const notes: string[] = [];
  for (const id of m.peerChecks) {
    const v: Verdict | undefined = idx.get(id)?.get(key);
    if (!v) continue;
    let fail = v.fail;
    const filter = m.peer === 'kubeScore' ? KUBE_SCORE_COMMENT_FILTER[`${m.khCheck}|${id}`] : undefined;
    if (fail && filter) {
      const hits = (v.notes ?? []).filter((n) => filter.test(n));
      fail = hits.length > 0;
      for (const n of hits) {
        containers.add(n.slice(0, n.indexOf(': ')));
        notes.push(`${id}: ${n}`);
      }
    } else if (fail) {
      for (const c of v.containers ?? []) containers.add(c);
      for (const n of v.notes ?? []) notes.push(`${id}: ${n}`);
    }
    if (fail) side = 'fail';
    else if (side === 'none') side = 'pass';
  }
  return { side, containers: [...containers].sort(), notes };
}

export function compare(
  m: Mapping,
  kh: VerdictIndex,
  khErrorFiles: Set<string>,
  peer: VerdictIndex,
  objects: Map<string, CorpusObject>,
  ctx: PeerContext = { peerKinds: new Set(), peerFiles: new Set() },
): PairResult {
  const all = [...objects.values()];
  const keys = new Set<string>();
  for (const id of m.peerChecks) for (const k of peer.get(id)?.keys() ?? []) keys.add(k);
  for (const k of kh.get(m.khCheck)?.keys() ?? []) keys.add(k);
  const res: PairResult = { mapping: m, compared: 0, agreeFail: 0, agreePass: 0, disagreements: [] };
  for (const key of [...keys].sort()) {
    const obj = objects.get(key);
    const kv = kh.get(m.khCheck)?.get(key);
    let khSide: Side = kv ? 'fail' : 'none';
    if (!kv && obj && !khErrorFiles.has(obj.file) && (m.scope !== 'pod' || obj.pod)) khSide = 'pass';
    const pv = peerVerdict(m, peer, key);
    if (khSide === 'none' && pv.side === 'none') continue;
    const khContainers = [...new Set(kv?.containers ?? [])].sort();
    if (khSide !== 'none' && pv.side !== 'none') res.compared++;
    let containerLevel = false;
    if (khSide === pv.side) {
      if (khSide === 'pass') {
        res.agreePass++;
        continue;
      }
      // Both fail: compare containers where both sides name them.
      const a = khContainers.filter(Boolean);
      const b = pv.containers.filter(Boolean);
      const podLevel = khContainers.includes('') || pv.containers.includes('') || a.length === 0 || b.length === 0;
      if (podLevel || (a.length === b.length && a.every((x, i) => x === b[i]))) {
        res.agreeFail++;
        continue;
      }
      containerLevel = true;
    }
    if (khSide === 'pass' && pv.side === 'none') continue;
    if (khSide === 'none' && pv.side === 'pass') continue;
    const d: Omit<Disagreement, 'judgement'> = {
      mapping: m,
      key,
      object: obj,
      kh: khSide,
      peer: pv.side,
      containerLevel,
      khContainers,
      peerContainers: pv.containers,
      khNotes: kv?.notes ?? [],
      peerNotes: pv.notes,
    };
    res.disagreements.push({ ...d, judgement: judge(d, khErrorFiles, { ...ctx, all }) });
  }
  return res;
}
