/**
 * OpenVEX documents (v0.2.0, and the v0.0.x spelling): statements that a vulnerability does not
 * affect a product (`not_affected`, with the required justification or impact statement) or is
 * `fixed` in it. Statements apply in time order, a later one overriding an earlier one, so an
 * `affected` or `under_investigation` after a `not_affected` takes the exemption back.
 *
 * Products are matched to images: `pkg:oci/<name>@sha256%3A…` purls by digest (plus the
 * `repository_url` qualifier when given), image references (`ghcr.io/acme/web`, with an optional
 * tag or digest) by name. Subcomponents narrow a statement to packages (by purl, else by name).
 */
import { readFileSync } from 'node:fs';
import type { InputError } from '../../load/types.js';
import { expired } from '../policy.js';
import { parseReference, type ImageName } from '../reference.js';
import { parseJsonLocated } from './load.js';
import { isObject, type Json, type ReportedVulnerability } from './report.js';

const STATUSES = new Set(['not_affected', 'affected', 'fixed', 'under_investigation']);

interface ProductMatcher {
  name?: string;
  digest?: string;
  tag?: string;
}

export interface VexStatement {
  file: string;
  /** The vulnerability id and its aliases, upper-cased. */
  ids: string[];
  products: ProductMatcher[];
  /** Package purls or names the statement is limited to (empty: the whole product). */
  subcomponents: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  /** Why (justification, impact statement): shown when a vulnerability is set aside. */
  reason: string;
  time: number;
  order: number;
  expires: string;
}

function iriOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v)) {
    if (typeof v['@id'] === 'string') return v['@id'];
    const ids = isObject(v.identifiers) ? v.identifiers : undefined;
    if (ids && typeof ids.purl === 'string') return ids.purl;
  }
  return undefined;
}

/** `pkg:oci/web@sha256%3Aabc…?repository_url=ghcr.io/acme/web` or an image reference. */
function productMatcher(iri: string): ProductMatcher | undefined {
  if (iri.startsWith('pkg:oci/')) {
    const [main, query = ''] = iri.slice('pkg:oci/'.length).split('?');
    const at = main.indexOf('@');
    const digest = at >= 0 ? decodeURIComponent(main.slice(at + 1)).toLowerCase() : undefined;
    const repoUrl = new URLSearchParams(query).get('repository_url');
    const tag = new URLSearchParams(query).get('tag') ?? undefined;
    const named = repoUrl ? parseReference(repoUrl) : undefined;
    return { ...(named ? { name: named.name } : {}), ...(digest ? { digest } : {}), ...(tag ? { tag } : {}) };
  }
  const ref = parseReference(iri);
  return ref ? { name: ref.name, ...(ref.digest ? { digest: ref.digest } : {}), ...(ref.tag ? { tag: ref.tag } : {}) } : undefined;
}

function productMatches(p: ProductMatcher, image: ImageName, digest: string | undefined): boolean {
  if (p.digest) return p.digest === digest && (!p.name || p.name === image.name);
  if (p.name !== image.name) return false;
  return !p.tag || p.tag === image.tag;
}

/** A purl without qualifiers and subpath: `pkg:deb/debian/openssl@3.0.11`. */
function purlCore(purl: string): string {
  return purl.split(/[?#]/)[0].toLowerCase();
}

function componentMatches(sub: string, v: ReportedVulnerability): boolean {
  if (sub.startsWith('pkg:')) {
    if (!v.purl) return false;
    const want = purlCore(sub);
    const have = purlCore(v.purl);
    // A subcomponent without a version covers every version of the package.
    return want.includes('@') ? want === have : want === have.split('@')[0];
  }
  return sub === v.pkg;
}

/** Reads one VEX document; problems are errors with file (and line:column for syntax). */
export function loadVex(file: string, expires: string, base: number): { statements: VexStatement[]; errors: InputError[] } {
  const errors: InputError[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { statements: [], errors: [{ file, message: `cannot read VEX document: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const parsed = parseJsonLocated(text, file);
  if ('error' in parsed) return { statements: [], errors: [parsed.error] };
  const doc = parsed.value;
  if (!isObject(doc) || typeof doc['@context'] !== 'string' || !doc['@context'].includes('openvex') || !Array.isArray(doc.statements)) {
    return { statements: [], errors: [{ file, line: 1, column: 1, message: 'not an OpenVEX document (@context https://openvex.dev/ns/…, statements[])' }] };
  }
  const docTime = typeof doc.timestamp === 'string' ? Date.parse(doc.timestamp) : NaN;
  const statements: VexStatement[] = [];
  doc.statements.forEach((raw: unknown, i: number) => {
    const bad = (message: string) => errors.push({ file, message: `statements[${i}]: ${message}; statement ignored` });
    if (!isObject(raw)) return bad('not an object');
    const s: Json = raw;
    const vuln = s.vulnerability;
    const name = typeof vuln === 'string' ? vuln : isObject(vuln) && typeof vuln.name === 'string' ? vuln.name : undefined;
    if (!name) return bad('no vulnerability name');
    const aliases = isObject(vuln) && Array.isArray(vuln.aliases) ? vuln.aliases.filter((a): a is string => typeof a === 'string') : [];
    const status = typeof s.status === 'string' ? s.status : '';
    if (!STATUSES.has(status)) return bad(`status "${status}" is not one of ${[...STATUSES].join(', ')}`);
    const reason = [s.justification, s.impact_statement, s.status_notes].filter((x): x is string => typeof x === 'string' && x.trim() !== '').join('; ');
    if (status === 'not_affected' && !reason) return bad('a not_affected statement needs a justification or an impact_statement');
    const products: ProductMatcher[] = [];
    const subcomponents: string[] = [];
    for (const p of Array.isArray(s.products) ? s.products : []) {
      const iri = iriOf(p);
      const m = iri ? productMatcher(iri) : undefined;
      if (!m) return bad(`product ${JSON.stringify(iri ?? p)} is neither a pkg:oci purl nor an image reference`);
      products.push(m);
      if (isObject(p) && Array.isArray(p.subcomponents)) for (const c of p.subcomponents) if (iriOf(c)) subcomponents.push(iriOf(c) as string);
    }
    // v0.0.x put subcomponents on the statement.
    if (Array.isArray(s.subcomponents)) for (const c of s.subcomponents) if (iriOf(c)) subcomponents.push(iriOf(c) as string);
    if (products.length === 0) return bad('no products');
    const time = typeof s.timestamp === 'string' ? Date.parse(s.timestamp) : docTime;
    statements.push({
      file,
      ids: [name, ...aliases].map((x) => x.toUpperCase()),
      products,
      subcomponents,
      status: status as VexStatement['status'],
      reason: reason || 'fixed (VEX)',
      time: Number.isFinite(time) ? time : 0,
      order: base + i,
      expires,
    });
  });
  return { statements, errors };
}

export class VexIndex {
  #byId = new Map<string, VexStatement[]>();

  constructor(statements: readonly VexStatement[]) {
    const sorted = [...statements].sort((a, b) => a.time - b.time || a.order - b.order);
    for (const s of sorted) {
      for (const id of s.ids) {
        let l = this.#byId.get(id);
        if (!l) this.#byId.set(id, (l = []));
        l.push(s);
      }
    }
  }

  /**
   * The statement deciding a vulnerability in an image: the last (in time) that covers it.
   * Statements of expired documents are skipped (and reported by the caller).
   */
  decide(v: ReportedVulnerability, image: ImageName, digest: string | undefined, now: Date, onExpired: (s: VexStatement) => void): VexStatement | undefined {
    let last: VexStatement | undefined;
    for (const id of [v.id, ...v.aliases]) {
      for (const s of this.#byId.get(id.toUpperCase()) ?? []) {
        if (!s.products.some((p) => productMatches(p, image, digest))) continue;
        if (s.subcomponents.length && !s.subcomponents.some((c) => componentMatches(c, v))) continue;
        if (expired(s.expires, now)) {
          onExpired(s);
          continue;
        }
        if (!last || s.time > last.time || (s.time === last.time && s.order > last.order)) last = s;
      }
    }
    return last;
  }
}
