/**
 * How each tool is run on one input, in its JSON output mode (the mode CI uses and the one the
 * agreement report reads). Each tool gets the input in the form it accepts: kubeharden and
 * Checkov a directory, kube-score the list of YAML files (it has no directory mode).
 */
import { join } from 'node:path';
import type { Command } from './measure.js';
import { REPO_ROOT } from './corpus.js';
import type { InstallStatus } from './install.js';

export interface BenchInput {
  /** Short name used in RESULTS.md, e.g. "corpus", "set:calico", "corpus x10". */
  name: string;
  dir: string;
  /**
   * YAML files (relative to dir) for tools that take files (kube-score). Files kube-score aborts
   * the whole run on ("failed to parse files") are left out; RESULTS.md lists them.
   */
  yamlFiles: string[];
  bytes: number;
  objects?: number;
  scaled: boolean;
}

export interface Tool {
  id: 'kubeharden' | 'checkov' | 'kubeScore' | 'kubeLinter' | 'polaris';
  label: string;
  version: string;
  available: boolean;
  reason?: string;
  command(input: BenchInput): Command;
  /** Why a run that exited with an ok code still failed (empty output, a fatal message), if it did. */
  check?(r: { stdoutBytes: number; stderr: string }): string | undefined;
}

/**
 * kubeharden runs from a private copy of dist taken right after the build: other work in the same
 * checkout rebuilds dist/ while the benchmark runs, and every input must see the same build.
 */
export function kubehardenTool(version: string, distDir = join(REPO_ROOT, 'dist')): Tool {
  return {
    id: 'kubeharden',
    label: 'kubeharden',
    version,
    available: true,
    command: (input) => ({ cmd: process.execPath, args: [join(distDir, 'cli', 'main.js'), 'scan', '.', '-o', 'json'], cwd: input.dir, okCodes: [0, 1] }),
    check: (r) => (r.stdoutBytes > 0 ? undefined : 'no output'),
  };
}


/** kube-score's optional checks that map to kubeharden checks, switched on for a fair comparison. */
export const KUBE_SCORE_OPTIONAL = ['container-seccomp-profile'];

export function peerTools(status: InstallStatus[]): Tool[] {
  const tools: Tool[] = [];
  for (const s of status) {
    const base = { label: s.label, version: s.version, available: s.ok, reason: s.reason };
    if (s.name === 'checkov') {
      tools.push({
        ...base,
        id: 'checkov',
        command: (input) => ({
          cmd: s.binary,
          args: ['-d', '.', '--framework', 'kubernetes', '-o', 'json', '--skip-download'],
          cwd: input.dir,
          env: { ...process.env, LOG_LEVEL: 'ERROR' },
          okCodes: [0, 1],
        }),
        check: (r) => (r.stdoutBytes > 0 ? undefined : `failed: ${r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 160) ?? 'no output'}`),
      });
    } else if (s.name === 'kubeScore') {
      tools.push({
        ...base,
        id: 'kubeScore',
        command: (input) => ({
          cmd: s.binary,
          args: ['score', '-o', 'json', ...KUBE_SCORE_OPTIONAL.flatMap((t) => ['--enable-optional-test', t]), ...input.yamlFiles],
          cwd: input.dir,
          okCodes: [0, 1],
        }),
        // kube-score exits 1 both for critical findings and for fatal errors: tell them apart.
        check: (r) => (r.stdoutBytes === 0 || /Failed to score|failed to|error/i.test(r.stderr) ? `failed: ${r.stderr.trim().split('\n')[0]?.slice(0, 160) ?? 'no output'}` : undefined),
      });
    } else if (s.name === 'kubeLinter') {
      tools.push({
        ...base,
        id: 'kubeLinter',
        command: (input) => ({ cmd: s.binary, args: ['lint', '--add-all-built-in', '--format', 'json', '.'], cwd: input.dir, okCodes: [0, 1] }),
      });
    } else if (s.name === 'polaris') {
      tools.push({
        ...base,
        id: 'polaris',
        command: (input) => ({ cmd: s.binary, args: ['audit', '--audit-path', '.', '--format', 'json', '--only-show-failed-tests=false'], cwd: input.dir, okCodes: [0, 3, 4] }),
      });
    }
  }
  return tools;
}
