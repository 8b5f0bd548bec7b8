/**
 * Generated manifests as text: deterministic (no timestamps, stable order, so a re-run diffs
 * clean), one document per object with a comment saying why it exists, kubectl's layout, and
 * strings YAML 1.1 would misread (yes, on, 0755) quoted.
 */
import { Document } from 'yaml';

export interface Generated {
  object: Record<string, unknown>;
  /** Why the object exists, written as a comment above it. */
  comment?: string;
}

export function emitYaml(items: readonly Generated[], header?: string): string {
  const parts: string[] = [];
  if (header) parts.push(header.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n');
  for (const item of items) {
    const doc = new Document(item.object, { version: '1.1' });
    const body = doc.toString({ indentSeq: false, lineWidth: 0, version: '1.1' } as never);
    const comment = item.comment ? item.comment.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '';
    parts.push(`---\n${comment}${body.replace(/^%YAML 1\.1\n---\n/, '')}`);
  }
  return parts.join('');
}
