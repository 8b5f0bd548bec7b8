/**
 * Splits a V8 CPU profile of a webhook server under load (`npm run bench:webhook -- --profile DIR`)
 * into where a review's CPU goes: TLS and socket I/O, HTTP parsing and writing, body read, JSON,
 * the review itself, logging, metrics, GC. Each sample goes to the innermost frame of its stack
 * that a rule below recognises, so a builtin (JSON.parse, a stream helper) counts for the code
 * that called it. Start-up (before the first request) and idle samples are left out; shares are
 * of the busy time under load.
 *
 *   node --import tsx bench/webhook-profile.ts DIR/kubeharden [--top 25]
 *
 * Given a directory, it reads its largest profile: the server's main thread (tsx's loader thread
 * writes a smaller one).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins, tried on each frame from the leaf up. */
const RULES: { part: string; test: (f: Frame) => boolean }[] = [
  { part: 'logging (pino)', test: (f) => /node_modules\/(pino|sonic-boom|fast-redact|quick-format|atomic-sleep)/.test(f.url) },
  { part: 'metrics (prom-client)', test: (f) => /node_modules\/prom-client/.test(f.url) },
  { part: 'envelope check', test: (f) => f.url.endsWith('/admission/types.ts') },
  { part: 'review', test: (f) => /\/src\/(engine|checks|pss|k8s|load)\//.test(f.url) || /\/admission\/(review|messages|patch|policy|images)\.ts$/.test(f.url) },
  { part: 'JSON parse / serialise (server)', test: (f) => f.url.endsWith('/admission/server.ts') && /^(answerReview|decide)$/.test(f.functionName) },
  { part: 'body read (server)', test: (f) => f.url.endsWith('/admission/server.ts') && /readBody|^$/.test(f.functionName) },
  { part: 'routing and response (server)', test: (f) => f.url.endsWith('/admission/server.ts') },
  { part: 'TLS', test: (f) => /^node:(_tls_|tls|internal\/tls)/.test(f.url) },
  { part: 'socket I/O (encrypt + write, read)', test: (f) => /^node:(net|internal\/stream_base_commons)/.test(f.url) },
  { part: 'HTTP (node:_http_*)', test: (f) => /^node:_http_/.test(f.url) },
  { part: 'streams and events', test: (f) => /^node:(internal\/streams|events|internal\/events)/.test(f.url) },
  { part: 'GC', test: (f) => f.functionName === '(garbage collector)' },
  { part: 'native outside JS (libuv, TLS records)', test: (f) => f.functionName === '(program)' },
];

function main(): void {
  const given = process.argv[2];
  const file = statSync(given).isDirectory()
    ? readdirSync(given)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(given, f))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0]
    : given;
  const topN = Number(process.argv[process.argv.indexOf('--top') + 1] || 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const part = new Map<number, string>();
  const partOf = (id: number): string => {
    const known = part.get(id);
    if (known) return known;
    let found = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const rule = RULES.find((r) => r.test(byId.get(at as number)!.callFrame));
      if (rule) {
        found = rule.part;
        break;
      }
    }
    part.set(id, found);
    return found;
  };
  const parts = new Map<string, number>();
  const selfTime = new Map<string, number>();
  const inRequest = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (/parserOnIncoming|^route$/.test(byId.get(at)!.callFrame.functionName)) return true;
    return false;
  };
  const firstRequest = p.samples.findIndex(inRequest);
  let busy = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    if (i < firstRequest || f.functionName === '(idle)') return;
    const us = p.timeDeltas[i] ?? 0;
    busy += us;
    parts.set(partOf(id), (parts.get(partOf(id)) ?? 0) + us);
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${f.lineNumber + 1}`;
    selfTime.set(key, (selfTime.get(key) ?? 0) + us);
  });
  console.log(`busy ${(busy / 1e6).toFixed(2)} s of CPU samples\n\n| part | share of busy time |\n|---|---:|`);
  for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${((100 * v) / busy).toFixed(1)}% |`);
  console.log(`\ntop ${topN} functions by self time:\n`);
  for (const [k, v] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, topN)) console.log(`${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`);
}

main();
