/**
 * The contract between rbac.ts and the rbac usage commands: what rbac.ts lends them. A file of its
 * own so rbac-usage.ts (registration) and rbac-usage-run.ts (loaded on demand) both depend on it
 * instead of on each other.
 */
import type { Command } from 'commander';
import type { RbacPolicy } from '../../rbac/policy.js';
import type { ResourceCatalog } from '../../rbac/resources.js';

/** What rbac.ts lends: its input options, policy loader, error guard and output streams. */
export interface RbacHost {
  addCommon(cmd: Command, formats?: readonly string[]): Command;
  loadSource(flags: InputFlags): Promise<{ policy: RbacPolicy; catalog: ResourceCatalog; mode: 'offline' | 'live'; namespace: string; live?: { serviceAccountsComplete: boolean; inputs: Array<{ object: unknown }> }; warnings: string[] }>;
  guard(run: () => Promise<number>): Promise<void>;
  io: { stdout(s: string): void; stderr(s: string): void };
}

export interface InputFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  withDefaults?: boolean;
  output: string;
  kustomize: boolean;
  skipInvalid?: boolean;
}
