/**
 * `audit --from FILE|-`: a recorded cluster instead of a live one — the output of
 * `kubectl get … -A -o json|yaml` (a List), or of `audit --dump`, which also carries the
 * cluster facts and where it came from, so its report is the same as the live audit's.
 * The objects go through the same normalization and filter as live lists: Secret values are
 * dropped at once, and kinds audit does not read from a cluster are skipped (and counted).
 */
import { loadInputs } from '../load/index.js';
import { asMap, asString } from '../k8s/json.js';
import { AUDITED, GLOBAL_KINDS, SA_TOKEN_TYPE } from './catalogue.js';
import { AUDIT_RECORD_KIND, isFacts } from './facts.js';
import { hasPodSpec } from './fold.js';
import { normalize } from './normalize.js';
import { CONFIGZ_ANNOTATION } from '../controlplane/model.js';
import type { AuditSource, Gap, Json, SourceChunk } from './source.js';

const AUDITED_KINDS = new Set(AUDITED.map((r) => r.kind));

export interface DumpOptions {
  /** Text for '-' (tests); default: read stdin. */
  stdinText?: string;
}

/** A kubelet's effective configuration read live from its /configz (what the control-plane collector records). */
function isConfigz(o: Json): boolean {
  return o.kind === 'KubeletConfiguration' && asMap(asMap(o.metadata)?.annotations)?.[CONFIGZ_ANNOTATION] !== undefined;
}

/** Whether audit checks this object (the same choice a live audit makes by what it lists and collects). */
export function audited(o: Json): boolean {
  const kind = typeof o.kind === 'string' ? o.kind : '';
  if (kind === 'Secret') return o.type === SA_TOKEN_TYPE;
  return AUDITED_KINDS.has(kind) || isFacts(o) || isConfigz(o) || hasPodSpec(o);
}

/** Storage order of namespaces (`ns/`), which is also the order a live audit visits them in. */
export function compareNamespaces(a: string, b: string): number {
  const x = `${a}/`;
  const y = `${b}/`;
  return x < y ? -1 : x > y ? 1 : 0;
}

export async function dumpSource(path: string, opts: DumpOptions = {}): Promise<AuditSource> {
  const file = path === '-' ? '<stdin>' : path;
  const loaded = await loadInputs([path], { kustomize: false, ...(opts.stdinText !== undefined ? { stdinText: opts.stdinText } : {}) });
  const gaps: Gap[] = loaded.errors.map((e) => ({
    what: `read ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}`,
    reason: 'failed' as const,
    message: e.message,
    consequence: 'what it holds is not audited',
  }));
  const warnings: string[] = [...loaded.warnings];
  if (loaded.objects.length === 0 && gaps.length === 0) gaps.push({ what: `read ${file}`, reason: 'failed', message: 'it holds no Kubernetes objects', consequence: 'nothing was audited' });

  let label = file;
  const global: Json[] = [];
  const byNamespace = new Map<string, Json[]>();
  const skipped = new Map<string, number>();
  for (const lo of loaded.objects) {
    const o = lo.object as Json;
    if (o.kind === AUDIT_RECORD_KIND && isFacts(o)) {
      // Where an `audit --dump` came from, and what that audit could not read.
      label = asString(o.label) ?? label;
      for (const g of Array.isArray(o.gaps) ? o.gaps : []) {
        const m = asMap(g);
        if (m && typeof m.what === 'string') gaps.push({ what: m.what, reason: (asString(m.reason) ?? 'failed') as Gap['reason'], message: asString(m.message) ?? '', consequence: asString(m.consequence) ?? '' });
      }
      continue;
    }
    normalize(o);
    if (!audited(o)) {
      const k = `${lo.apiVersion ? `${lo.apiVersion} ` : ''}${lo.kind || '(no kind)'}`;
      skipped.set(k, (skipped.get(k) ?? 0) + 1);
      continue;
    }
    const ns = lo.namespace;
    if (ns === undefined || GLOBAL_KINDS.has(lo.kind)) {
      global.push(o);
      continue;
    }
    let list = byNamespace.get(ns);
    if (!list) byNamespace.set(ns, (list = []));
    list.push(o);
  }
  if (skipped.size) {
    const kinds = [...skipped].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`);
    warnings.push(`${file}: ${[...skipped.values()].reduce((a, b) => a + b, 0)} object(s) of kinds audit does not check were skipped: ${kinds.slice(0, 8).join(', ')}${kinds.length > 8 ? ', …' : ''}`);
  }
  return {
    label,
    gaps,
    warnings,
    async *chunks(): AsyncGenerator<SourceChunk> {
      yield { scope: 'global', objects: global };
      for (const ns of [...byNamespace.keys()].sort(compareNamespaces)) {
        // Handed over once: the audit holds a namespace's objects while it checks them, not the dump all along.
        const objects = byNamespace.get(ns) as Json[];
        byNamespace.delete(ns);
        yield { scope: 'namespace', namespace: ns, objects };
      }
    },
  };
}
