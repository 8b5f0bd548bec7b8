/**
 * Where audited objects come from. A source yields the objects every namespace's checks need
 * first (`global`: cluster-scoped objects, RBAC, ServiceAccounts, cluster facts), then the other
 * objects one namespace at a time, each namespace's objects together. A live cluster and a
 * recorded dump are both sources; so can anything else be that keeps that order.
 */
import type { ClusterErrorReason } from '../cluster/errors.js';

export type Json = Record<string, unknown>;

export type SourceChunk = { scope: 'global'; objects: Json[] } | { scope: 'namespace'; namespace: string; objects: Json[] };

/** Something the source could not read. */
export interface Gap {
  /** What was asked: "list secrets in all namespaces". */
  what: string;
  reason: ClusterErrorReason;
  message: string;
  /** What is not audited because of it. */
  consequence: string;
}

export interface AuditSource {
  /** Names the audited cluster or file in reports: `cluster:<context>` or the dump's path. */
  readonly label: string;
  /** Walked once: a source may let go of what it has handed over. */
  chunks(): AsyncIterable<SourceChunk>;
  /** Filled while reading. */
  readonly gaps: Gap[];
  /** Things worth saying that do not make the audit incomplete. */
  readonly warnings: string[];
}

/** The label of findings from a live cluster (also written into dumps, so a dump's report is the same). */
export function clusterLabel(context: string): string {
  return `cluster:${context}`;
}
