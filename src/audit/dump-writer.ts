/**
 * `audit --dump FILE`: every object the audit checked (normalized: Secrets as metadata, pods
 * folded into their controllers) and the cluster facts, written as a `List` while the audit
 * runs, ending with an AuditRecord that says where it came from and what could not be read.
 * `audit --from FILE` then gives the same report without the cluster, and `scan FILE` checks
 * the same objects.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { AUDIT_RECORD_KIND, FACTS_API_VERSION } from './facts.js';
import type { Gap, Json } from './source.js';

export class DumpWriter {
  readonly #fd: number;
  #first = true;

  constructor(file: string) {
    this.#fd = openSync(file, 'w');
    writeSync(this.#fd, '{"apiVersion":"v1","kind":"List","items":[\n');
  }

  add(o: Json): void {
    writeSync(this.#fd, `${this.#first ? '' : ',\n'}${JSON.stringify(o)}`);
    this.#first = false;
  }

  /** Writes the AuditRecord and closes the file. */
  finish(label: string, gaps: readonly Gap[], recordedAt: Date): void {
    this.add({ apiVersion: FACTS_API_VERSION, kind: AUDIT_RECORD_KIND, metadata: { name: 'cluster' }, label, recordedAt: recordedAt.toISOString(), gaps });
    writeSync(this.#fd, '\n]}\n');
    closeSync(this.#fd);
  }
}
