/**
 * A real OCI registry for tests: distribution v3 (`registry serve`) on a free loopback port,
 * storing on disk in a temp dir, so it can be stopped ("registry down") and started again with
 * its content. Optionally with token authentication (the Docker token spec: a Bearer challenge,
 * tokens from a realm, verified by the registry against a JWKS).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.js';
import { release, spawnManaged, stopManaged, tail, track, type Managed, type Resources } from '../cluster/process.js';
import { toolPath } from './tools.js';

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  jwksFile: string;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as image references and the policy's insecure list name it. */
  host: string;
  dir: string;
  running(): boolean;
  /** Freezes the process (SIGSTOP): it keeps its port and accepts connections but never answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

async function waitReady(host: string, proc: Managed): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      await r.body?.cancel();
      if (r.status === 200 || r.status === 401) return;
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null) throw new Error(`registry exited:\n${tail(proc.logFile)}`);
    if (Date.now() > deadline) throw new Error(`registry not ready on ${host}:\n${tail(proc.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRegistry(opts: { auth?: TokenAuth } = {}): Promise<TestRegistry> {
  const bin = toolPath('registry');
  const dir = await mkdtemp(join(tmpdir(), 'kh-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = opts.auth
    ? `auth:\n  token:\n    realm: ${opts.auth.realm}\n    service: ${opts.auth.service}\n    issuer: ${opts.auth.issuer}\n    jwks: ${opts.auth.jwksFile}\n    signingalgorithms: [ES256]\n`
    : '';
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: warn\n  accesslog: {disabled: true}\nstorage:\n  filesystem: {rootdirectory: ${join(dir, 'data')}}\n  delete: {enabled: true}\nhttp:\n  addr: ${host}\n  secret: kubeharden-test\n${auth}`,
  );
  const res: Resources = { dir, procs: [], keepDir: false };
  track(res);
  let proc: Managed | undefined;
  const start = async () => {
    proc = spawnManaged(dir, 'registry', bin, ['serve', config], join(dir, 'registry.log'));
    res.procs.push(proc);
    await waitReady(host, proc);
  };
  await start();
  return {
    host,
    dir,
    running: () => proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null,
    pause: () => proc?.child.kill('SIGSTOP'),
    resume: () => proc?.child.kill('SIGCONT'),
    stop: async () => {
      if (proc) await stopManaged(proc, 5000);
    },
    start,
    close: () => release(res),
  };
}
