/**
 * A progress bar on stderr for long audits — only when stderr is a terminal (and not in CI), so
 * logs and pipes stay clean. Redrawn at most ten times a second; erased when done.
 */
import type { AuditProgress } from './run.js';

export interface ProgressBar {
  update(p: AuditProgress): void;
  done(): void;
}

const WIDTH = 24;

export function progressBar(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressBar | undefined {
  if (!stream.isTTY || env.CI) return undefined;
  let last = 0;
  let shown = false;
  const fmt = (n: number) => n.toLocaleString('en-US');
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.namespacesDone < p.namespacesTotal) return;
      last = now;
      const total = Math.max(p.namespacesTotal, p.namespacesDone, 1);
      const filled = Math.round((WIDTH * Math.min(p.namespacesDone, total)) / total);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
      stream.write(`\r\x1b[2K[${bar}] ${p.namespacesDone}/${p.namespacesTotal || '?'} namespaces · ${fmt(p.objects)} objects · ${fmt(p.findings)} findings`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
