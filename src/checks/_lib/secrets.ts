/**
 * The secret detector shared by SEC-ENV-LITERAL, SEC-CONFIGMAP (and anything else that must tell
 * whether a literal looks like a credential). Two signals:
 *  1. the value itself matches a known credential format (AWS key id, PEM private key, GitHub /
 *     GitLab / Slack / Stripe / Google / SendGrid / npm tokens, JWTs, URLs with a password);
 *  2. the name says "password / secret / token / api key…" and the value is a real literal — not a
 *     placeholder, a reference, a path, a URL without credentials, a boolean, a small number or a
 *     duration. Weaker names ("…_KEY", "auth", "salt") need a high-entropy value as well.
 * A hit names the reason, never the value: callers must not print what they found.
 */

export interface SecretHit {
  /** Why the value looks secret, e.g. "looks like an AWS access key id". Never contains the value. */
  reason: string;
  /** For multi-line text: the 1-based line of the hit within the text. */
  line?: number;
  /** The name that made it sensitive (for name-based hits in config text). */
  name?: string;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

interface Pattern {
  re: RegExp;
  reason: string;
}

/** Credential formats recognisable from the value alone. */
const PATTERNS: readonly Pattern[] = [
  { re: /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----/, reason: 'contains a PEM private key' },
  { re: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Z0-9])/, reason: 'looks like an AWS access key id' },
  { re: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9])/, reason: 'looks like a GitHub token' },
  { re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/, reason: 'looks like a GitHub fine-grained token' },
  { re: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/, reason: 'looks like a GitLab personal access token' },
  { re: /(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,}/, reason: 'looks like a Slack token' },
  { re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/, reason: 'looks like a Slack webhook URL' },
  { re: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,}/, reason: 'looks like a Stripe live key' },
  { re: /(?<![A-Za-z0-9_])(?:sk|rk)_test_[A-Za-z0-9]{16,}/, reason: 'looks like a Stripe test key' },
  { re: /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/, reason: 'looks like a Google API key' },
  { re: /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/, reason: 'looks like a SendGrid API key' },
  { re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/, reason: 'looks like an npm access token' },
  { re: /(?<![A-Za-z0-9_])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{40,}/, reason: 'looks like an Anthropic API key' },
  { re: /(?<![A-Za-z0-9_])sk-(?:proj-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}/, reason: 'looks like an OpenAI API key' },
  { re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/, reason: 'looks like a signed JWT' },
];

/** scheme://user:password@host — the password part is tested separately for placeholders. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:@/"'<>]+):([^\s@/"'<>]+)@[^\s/"'<>]+/i;

/** Words that make a name sensitive by themselves. */
const STRONG_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'credential', 'credentials', 'privatekey', 'accesskey', 'secretkey', 'clientsecret', 'authtoken']);
/** Word pairs that make a name sensitive ("api key", "private key"…). */
const STRONG_PAIRS = new Set(['api key', 'access key', 'private key', 'secret key', 'client secret', 'signing key', 'encryption key', 'master key', 'session key', 'account key', 'shared key', 'connection string', 'auth key', 'license key']);
/** Words that make a name sensitive only with a high-entropy value. */
const WEAK_WORDS = new Set(['key', 'auth', 'salt', 'cookie', 'signature', 'hmac', 'dsn', 'cred', 'creds', 'pass', 'pat']);
/** A last word that says the variable describes the secret rather than holding it. */
const QUALIFIERS = new Set([
  'file', 'files', 'path', 'paths', 'dir', 'directory', 'name', 'names', 'ref', 'reference', 'length', 'len', 'ttl', 'expiry', 'expiration', 'expires', 'expire',
  'timeout', 'enabled', 'enable', 'disabled', 'disable', 'mode', 'type', 'header', 'endpoint', 'url', 'uri', 'host', 'hostname', 'port', 'id', 'min', 'max', 'policy',
  'required', 'reset', 'rotation', 'source', 'store', 'provider', 'format', 'algorithm', 'alg', 'version', 'prefix', 'suffix', 'count', 'size', 'limit', 'interval', 'period',
  'duration', 'seconds', 'lifetime', 'issuer', 'audience', 'scope', 'scopes', 'field', 'param', 'env', 'location', 'mount', 'volume', 'encryption', 'encoding', 'method',
  'strategy', 'backend', 'manager', 'class', 'handler', 'plugin', 'lookup', 'cache', 'storage', 'schema', 'namespace', 'kind', 'label', 'annotation', 'selector', 'user',
  'username', 'login', 'command', 'cmd', 'script', 'template', 'key_ref', 'keys', 'check', 'validation', 'complexity', 'strength', 'hint', 'regex', 'pattern', 'placeholder',
  'secretref', 'secretname', 'refresh', 'review', 'request', 'response', 'exchange', 'generator', 'config', 'configs', 'configuration', 'option', 'options', 'flag', 'flags',
  'dirs', 'folder', 'mountpath', 'filename', 'filepath',
]);
/** A first word that says the variable is a switch or a description. */
const LEADING_SWITCHES = new Set(['enable', 'enabled', 'disable', 'disabled', 'use', 'require', 'requires', 'allow', 'skip', 'no', 'with', 'without', 'is', 'has', 'show', 'generate', 'create', 'rotate', 'public']);

/** Splits FOO_BAR, fooBar, foo-bar.baz into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

type Sensitivity = { level: 'strong' | 'weak'; what: string } | undefined;

/**
 * Config files in ConfigMaps repeat the same few names on thousands of lines (a Grafana
 * dashboard's "title", "expr", "type"): the verdict per name is remembered, up to a bound.
 */
const sensitivityCache = new Map<string, Sensitivity>();
const SENSITIVITY_CACHE_MAX = 10_000;

/** How strongly a variable/key name suggests that its value is a credential. */
export function nameSensitivity(name: string): Sensitivity {
  let verdict = sensitivityCache.get(name);
  if (verdict === undefined && !sensitivityCache.has(name)) {
    verdict = rateName(name);
    if (sensitivityCache.size >= SENSITIVITY_CACHE_MAX) sensitivityCache.clear();
    sensitivityCache.set(name, verdict);
  }
  return verdict;
}

function rateName(name: string): Sensitivity {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  if (QUALIFIERS.has(words[words.length - 1]) || LEADING_SWITCHES.has(words[0]) || words.includes('public')) return undefined;
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i]} ${words[i + 1]}`;
    if (STRONG_PAIRS.has(pair)) return { level: 'strong', what: pair };
  }
  for (const w of words) if (STRONG_WORDS.has(w)) return { level: 'strong', what: w };
  for (const w of words) if (WEAK_WORDS.has(w)) return { level: 'weak', what: w };
  return undefined;
}

const PLACEHOLDER_WORDS = new Set([
  'changeme', 'changeit', 'replaceme', 'placeholder', 'dummy', 'redacted', 'none', 'null', 'nil', 'undefined', 'todo', 'tbd', 'fixme', 'na', 'n/a', 'empty', 'example',
  'sample', 'xxx', 'your', 'yourpassword', 'yoursecret', 'yourtoken', 'mypassword', 'password', 'secret', 'token', 'notset', 'unset', 'default', 'required', 'set', 'setme',
  'insert', 'fill', 'fillme', 'tochange', 'generated', 'random', 'auto', 'false', 'true', 'yes', 'no', 'on', 'off', 'enabled', 'disabled',
]);

/** Values that are clearly not a real credential: placeholders, references, templating. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/\$\([A-Za-z_][A-Za-z0-9_]*\)/.test(v)) return true; // Kubernetes $(VAR) expansion
  if (/\$\{[^}]*\}/.test(v) || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return true; // shell / envsubst
  if (/\{\{.*\}\}/.test(v) || /^%[^%]+%$/.test(v) || /^<[^<>]*>$/.test(v) || /^\[[A-Z_ -]+\]$/.test(v)) return true; // templating
  if (/^(.)\1*$/.test(v)) return true; // xxxx, ****, 0000…
  if (/example/i.test(v)) return true; // AKIAIOSFODNN7EXAMPLE and friends from vendor docs
  const squashed = v.toLowerCase().replace(/[^a-z/]/g, '');
  if (PLACEHOLDER_WORDS.has(squashed)) return true;
  if (/^(change|replace|your|insert|enter|put|set)[-_ ]?(me|it|this|here|your|the|a)?/i.test(v) && /(me|here|password|secret|token|key)$/i.test(v)) return true;
  return false;
}

/** Values that are configuration, not credentials, even under a sensitive name. */
function notCredentialShaped(value: string): boolean {
  const v = value.trim();
  if (/^(true|false|yes|no|on|off|enabled|disabled)$/i.test(v)) return true;
  if (/^-?\d{1,5}(\.\d+)?$/.test(v)) return true; // small numbers: lengths, ports, counts
  if (/^\d+(\.\d+)?(ns|us|ms|s|m|h|d|w|y)$/i.test(v)) return true; // durations
  if (/^(\/|\.\/|\.\.\/|~\/|file:)[^\s]*$/.test(v)) return true; // file paths
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i.test(v)) return true; // URLs without credentials
  if (/^arn:aws[a-z-]*:/.test(v)) return true; // AWS resource names
  if (/^projects\/[^/]+\/secrets\//.test(v)) return true; // GCP Secret Manager references
  if (/^(vault|awssm|gcpsm|azkv|ref|secretref|sm):/i.test(v)) return true; // secret-manager references
  return false;
}

function highEntropy(v: string): boolean {
  return v.length >= 16 && !/\s/.test(v) && /[A-Za-z]/.test(v) && /\d/.test(v) && shannonEntropy(v) >= 3.5;
}

/**
 * A literal every pattern above (and URL_WITH_PASSWORD) needs: one cheap test that clears almost
 * every value, instead of sixteen regexes per value and per line of large ConfigMaps (Grafana
 * dashboards). Keep it in step with PATTERNS: secrets.test.ts checks each pattern's example.
 */
const MAYBE_CREDENTIAL = /-----BEGIN|A[KS]IA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack\.com|[sr]k_(?:live|test)_|AIza|SG\.|npm_|sk-|eyJ|:\/\//;

/** Format-based detection on the value alone. */
export function detectValue(value: string): SecretHit | undefined {
  if (!MAYBE_CREDENTIAL.test(value)) return undefined;
  for (const p of PATTERNS) {
    const m = p.re.exec(value);
    if (m && !isPlaceholder(m[0])) return { reason: `value ${p.reason}` };
  }
  const u = URL_WITH_PASSWORD.exec(value);
  if (u && !isPlaceholder(u[2]) && !isPlaceholder(decodeSafe(u[2]))) return { reason: 'value is a URL with an embedded password' };
  return undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Name + value detection for a single literal (an env var, a ConfigMap key, a `--flag=value`). */
export function detectNamed(name: string, value: string): SecretHit | undefined {
  const byValue = detectValue(value);
  if (byValue) return byValue;
  const v = value.trim();
  if (v.includes('\n')) return undefined; // multi-line text is scanned line by line (scanText)
  const sens = nameSensitivity(name);
  if (!sens || isPlaceholder(v) || notCredentialShaped(v)) return undefined;
  if (sens.level === 'strong') return { reason: `name suggests a ${sens.what} and the value is a literal`, name };
  if (highEntropy(v)) return { reason: `name suggests a ${sens.what} and the value has high entropy (${shannonEntropy(v).toFixed(1)} bits/char)`, name };
  return undefined;
}

/** `key: value`, `key = value`, `"key": "value"`, `export KEY=value` — one per line. */
const LINE_KV = /^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*)$/;

function cleanValue(raw: string): string | undefined {
  let v = raw.trim();
  if (v === '' || /^[[{|>&*!]/.test(v)) return undefined; // nested structures, YAML block scalars, anchors, tags
  if (v.startsWith('"') || v.startsWith("'")) {
    const q = v[0];
    const end = v.indexOf(q, 1);
    if (end < 0) return undefined;
    v = v.slice(1, end);
  } else {
    v = v.replace(/\s+#.*$/, '').replace(/[,;]$/, '').trim();
  }
  return v;
}

/**
 * Scans a (possibly multi-line) text such as a ConfigMap value holding a whole config file:
 * credential formats anywhere, plus `name = literal` lines with a sensitive name. At most one hit
 * per line; at most `limit` hits.
 */
export function scanText(text: string, limit = 20): SecretHit[] {
  const hits: SecretHit[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && hits.length < limit; i++) {
    const line = lines[i];
    if (line.length > 4096) continue; // minified blobs: formats are still caught below on the whole text
    const byValue = detectValue(line);
    if (byValue) {
      hits.push({ ...byValue, line: i + 1 });
      continue;
    }
    const m = LINE_KV.exec(line);
    if (!m) continue;
    const value = cleanValue(m[2]);
    if (value === undefined) continue;
    const hit = detectNamed(m[1], value);
    if (hit) hits.push({ ...hit, line: i + 1, name: m[1] });
  }
  if (hits.length === 0 && lines.some((l) => l.length > 4096)) {
    const byValue = detectValue(text);
    if (byValue) hits.push(byValue);
  }
  return hits;
}
