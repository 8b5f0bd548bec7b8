/**
 * How each tool is run on one input, in its JSON output mode (the mode CI uses and the one the
 * agreement report reads). Each tool gets the input in the form it accepts: kubeharden, Checkov
 * and Trivy a directory, kube-score and Kyverno the list of YAML files (kube-score has no
 * directory mode; Kyverno's reads one directory level only).
 */
import { join } from 'node:path';
import type { Command } from './measure.js';
import { REPO_ROOT } from './corpus.js';
import type { InstallStatus } from './install.js';
import { KYVERNO_FATAL, kyvernoCommand } from './kyverno.js';
import { cacheDir } from './versions.js';

export interface BenchInput {
  /** Short name used in RESULTS.md, e.g. "corpus", "set:calico", "corpus x10". */
  name: string;
  dir: string;
  /**
   * YAML files (relative to dir) for the tools that take files. Files a tool aborts the whole run
   * on (kube-score "failed to parse files", Kyverno "failed to load resources") are left out of its
   * list; RESULTS.md lists them. Kyverno's come in batches of distinct objects (see kyverno.ts).
   */
  fileArgs: { kubeScore: string[]; kyverno: string[][] };
  bytes: number;
  objects?: number;
  scaled: boolean;
}

export interface Tool {
  id: 'kubeharden' | 'checkov' | 'kubeScore' | 'kubeLinter' | 'polaris' | 'trivy' | 'kyverno';
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
  // Exit 2: some input could not be read (the corpus has unrendered templates and duplicate keys,
  // which the peers report as errors too); the report of everything else is written all the same.
  return {
    id: 'kubeharden',
    label: 'kubeharden',
    version,
    available: true,
    command: (input) => ({ cmd: process.execPath, args: [join(distDir, 'cli', 'main.js'), 'scan', '.', '-o', 'json'], cwd: input.dir, okCodes: [0, 1, 2] }),
    check: (r) => (r.stdoutBytes > 0 ? undefined : 'no output'),
  };
}


/** kube-score's optional checks that map to kubeharden checks, switched on for a fair comparison. */
export const KUBE_SCORE_OPTIONAL = ['container-seccomp-profile'];

/**
 * The Kubernetes version Trivy's removed-API check (KSV107) compares with: without one it passes
 * every removed apiVersion. The Pod Security version Kyverno is run at (kyverno.ts).
 */
export const TRIVY_K8S_VERSION = '1.32.0';

/**
 * Trivy offline: checks from the binary (--skip-check-update: no checks bundle download; Trivy
 * logs "Falling back to embedded checks"), no version check or telemetry ping, its cache inside
 * ours, Kubernetes scanner only (as Checkov runs with --framework kubernetes). Passes are
 * included, as kube-score's and Checkov's JSON include them: the agreement reads them.
 */
export function trivyArgs(): string[] {
  return ['config', '--format', 'json', '--include-non-failures', '--misconfig-scanners', 'kubernetes', '--k8s-version', TRIVY_K8S_VERSION, '--skip-check-update', '--skip-version-check', '--disable-telemetry', '--cache-dir', join(cacheDir(), 'trivy-cache'), '.'];
}

/**
 * Why a run that exited with an allowed code failed: a fatal message, or no output where the
 * tool always writes some (Kyverno writes nothing when no object matches its policy).
 */
const failedRun =
  (fatal: RegExp, needsOutput = true) =>
  (r: { stdoutBytes: number; stderr: string }): string | undefined => {
    const line = r.stderr.split('\n').find((l) => fatal.test(l));
    if (line) return `failed: ${line.trim().slice(0, 160)}`;
    return needsOutput && r.stdoutBytes === 0 ? `failed: no output${r.stderr.trim() ? ` (${r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 140)})` : ''}` : undefined;
  };

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
          args: ['score', '-o', 'json', ...KUBE_SCORE_OPTIONAL.flatMap((t) => ['--enable-optional-test', t]), ...input.fileArgs.kubeScore],
          cwd: input.dir,
          okCodes: [0, 1],
        }),
        // kube-score exits 1 both for critical findings and for fatal errors: tell them apart.
        check: (r) => (r.stdoutBytes === 0 || /Failed to score|failed to|error/i.test(r.stderr) ? `failed: ${r.stderr.trim().split('\n')[0]?.slice(0, 160) ?? 'no output'}` : undefined),
      });
    } else if (s.name === 'trivy') {
      tools.push({
        ...base,
        id: 'trivy',
        command: (input) => ({ cmd: s.binary, args: trivyArgs(), cwd: input.dir, okCodes: [0] }),
        check: failedRun(/\bFATAL\b/),
      });
    } else if (s.name === 'kyverno') {
      tools.push({
        ...base,
        id: 'kyverno',
        // Exit 1: a policy failed (or a fatal error, told apart by check).
        command: (input) => ({ ...kyvernoCommand(s.binary, input.fileArgs.kyverno, input.name), cwd: input.dir, okCodes: [0, 1, 2] }),
        check: failedRun(KYVERNO_FATAL, false),
      });
    } else if (s.name === 'kubeLinter') {
      tools.push({
        ...base,
        id: 'kubeLinter',
        command: (input) => ({ cmd: s.binary, args: ['lint', '--add-all-built-in', '--format', 'json', '.'], cwd: input.dir, okCodes: [0, 1, 2] }),
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
