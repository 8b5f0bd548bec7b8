/**
 * `kubeharden webhook serve` as its own process, from the sources, for the suites and benches that
 * register it with the real kube-apiserver by URL (test/e2e/webhook.test.ts, images-webhook.test.ts,
 * bench/vap.bench.ts): self-signed TLS for 127.0.0.1, a free port, and its JSON log lines kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const repoRoot = new URL('../..', import.meta.url).pathname;

export interface WebhookProcess {
  child: ChildProcess;
  port: number;
  /** The CA that signed its serving certificate (for a webhook configuration's caBundle). */
  caPem: string;
  /** Every JSON line it logged so far (decisions, cache loads, "ready", "webhook stopped"). */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

export interface WebhookProcessOptions {
  /** Where the CA file goes. */
  dir: string;
  policyFile: string;
  kubeconfig: string;
  /** --webhook-namespace (default: the command's). */
  webhookNamespace?: string;
  /** --log-level: `debug` logs allowed reviews too; `info` is as deployed. */
  logLevel: 'debug' | 'info';
  /** Where its standard error goes: kept for the error when it exits before it is ready, or the parent's. */
  stderr?: 'keep' | 'inherit';
}

/** Starts the webhook and waits for its "ready" log line; rejects (with its stderr) if it exits first. */
export async function startWebhookProcess(o: WebhookProcessOptions): Promise<WebhookProcess> {
  const caFile = join(o.dir, `ca-${process.pid}-${Date.now()}.pem`);
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'webhook', 'serve', '--listen', '127.0.0.1:0', '--tls-self-signed', '--tls-san', '127.0.0.1', '--ca-out', caFile, '--policy', o.policyFile, '--kubeconfig', o.kubeconfig];
  if (o.webhookNamespace) args.push('--webhook-namespace', o.webhookNamespace);
  args.push('--log-level', o.logLevel);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', o.stderr === 'inherit' ? 'inherit' : 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'ready') resolve(Number(entry.port));
        } catch {
          // not a JSON line
        }
      }
    });
    void exited.then((code) => reject(new Error(`webhook exited (${code}) before it was ready\n${stderr}`)));
  });
  return { child, port, caPem: await readFile(caFile, 'utf8'), logs, exited };
}
