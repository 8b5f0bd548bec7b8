/**
 * Registry credentials and the distribution auth handshake. Credentials come from
 * dockerconfigjson (the format of `kubernetes.io/dockerconfigjson` pull secrets and
 * ~/.docker/config.json). A 401 names a challenge: `Basic realm=…`, or `Bearer realm=…,
 * service=…, scope=…`, answered by fetching a token from the realm (with the credentials, if
 * any; anonymously otherwise). Tokens are kept per host and scope until they expire. Nothing
 * here is ever logged: credentials and tokens are secrets.
 */
import { readFileSync } from 'node:fs';

export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`): exchanged at the realm. */
  identityToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const DOCKER_HUB_KEYS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `https://index.docker.io/v1/` → `docker.io`; `ghcr.io` stays. */
export function credentialHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
  return DOCKER_HUB_KEYS.has(host) ? 'docker.io' : host;
}

/** Credentials by registry host, from dockerconfigjson documents. */
export class CredentialStore {
  #byHost = new Map<string, Credential>();

  static fromFiles(files: readonly string[]): CredentialStore {
    const store = new CredentialStore();
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new Error(`pull secret ${f}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
      }
      store.addDockerConfig(text, `pull secret ${f}`);
    }
    return store;
  }

  /** Adds the `auths` of a dockerconfigjson (or legacy dockercfg) document. Errors never quote the document. */
  addDockerConfig(text: string, where: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new Error(`${where}: not valid JSON (a .dockerconfigjson document)`);
    }
    const obj = doc as Record<string, unknown>;
    const auths = (typeof obj === 'object' && obj && typeof obj.auths === 'object' && obj.auths ? obj.auths : obj) as Record<string, unknown>;
    if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) throw new Error(`${where}: no "auths" map`);
    for (const [key, entry] of Object.entries(auths)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as Record<string, unknown>;
      const cred: Credential = {};
      if (typeof e.username === 'string') cred.username = e.username;
      if (typeof e.password === 'string') cred.password = e.password;
      if (typeof e.auth === 'string' && e.auth) {
        const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) throw new Error(`${where}: the "auth" of ${credentialHost(key)} is not base64 of user:password`);
        cred.username = decoded.slice(0, colon);
        cred.password = decoded.slice(colon + 1);
      }
      if (typeof e.identitytoken === 'string' && e.identitytoken) cred.identityToken = e.identitytoken;
      if (cred.username !== undefined || cred.identityToken !== undefined) this.#byHost.set(credentialHost(key), cred);
    }
  }

  get(host: string): Credential | undefined {
    return this.#byHost.get(credentialHost(host));
  }

  get size(): number {
    return this.#byHost.size;
  }
}

/** Parses a WWW-Authenticate header (RFC 7235): `Bearer realm="…",service="…",scope="…"`, possibly several challenges. */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  const n = header.length;
  const isTokenChar = (c: string) => /[\w!#$%&'*+.^`|~-]/.test(c);
  let i = 0;
  let cur: Challenge | undefined;
  while (i < n) {
    while (i < n && (header[i] === ' ' || header[i] === ',' || header[i] === '\t')) i++;
    const start = i;
    while (i < n && isTokenChar(header[i])) i++;
    const token = header.slice(start, i);
    if (!token) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && header[j] === ' ') j++;
    if (header[j] === '=' && cur) {
      // A parameter of the current challenge: quoted string or token.
      i = j + 1;
      while (i < n && header[i] === ' ') i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i++];
        }
        i++;
      } else {
        const s = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(s, i).trim();
      }
      cur.params[token.toLowerCase()] = value;
    } else {
      cur = { scheme: token.toLowerCase(), params: {} };
      out.push(cur);
    }
  }
  return out;
}

export function basicAuthorization(c: Credential): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

interface CachedToken {
  token: string;
  expires: number;
}

/** Bearer tokens by host and scope, until shortly before they expire. */
export class TokenCache {
  #tokens = new Map<string, CachedToken>();

  get(key: string, now = Date.now()): string | undefined {
    const t = this.#tokens.get(key);
    if (!t) return undefined;
    if (t.expires <= now) {
      this.#tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, token: string, expiresInSeconds: number | undefined, now = Date.now()): void {
    // The distribution spec's default lifetime is 60 s; keep a margin for clock skew and latency.
    const life = Math.max(0, (expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : 60) - 10) * 1000;
    if (this.#tokens.size > 1000) this.#tokens.clear();
    this.#tokens.set(key, { token, expires: now + life });
  }
}
