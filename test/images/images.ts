/**
 * Small images and signature tampering for the image-gate suites, made with the real tools: crane
 * builds and pushes images (no Docker), cosign signs them; tampering a signature payload is done
 * with plain distribution API calls (PUT of a blob and a manifest), as an attacker with push
 * access would.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must } from './tools.js';

let counter = 0;

/** Pushes a one-file image (distinct content each call) and returns its digest. */
export async function pushImage(ref: string, env: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-image-'));
  try {
    const tar = join(dir, 'layer.tar');
    writeFileSync(tar, tarOf('hello.txt', Buffer.from(`${ref} ${process.pid} ${Date.now()} ${counter++}\n`)));
    await must('crane', ['append', '--insecure', '-f', tar, '-t', ref], env);
    return (await must('crane', ['digest', '--insecure', ref], env)).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tar with one regular file, written by hand (ustar header + content): no tar binary needed. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * Rewrites the payload of an image's cosign signature (`sha256-<hex>.sig`) while keeping the
 * signature annotation: what an attacker with push access but without the key can do.
 */
export async function tamperSignaturePayload(host: string, repo: string, digest: string, edit: (payload: string) => string): Promise<void> {
  const tag = `${digest.replace(':', '-')}.sig`;
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const m = (await (await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { accept } })).json()) as { layers: Array<{ digest: string; size: number }> };
  const payload = Buffer.from(await (await fetch(`http://${host}/v2/${repo}/blobs/${m.layers[0].digest}`)).arrayBuffer());
  const forged = Buffer.from(edit(payload.toString('utf8')));
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.body?.cancel();
  const location = new URL(start.headers.get('location') as string, `http://${host}`);
  location.searchParams.set('digest', sha(forged));
  const put = await fetch(location, { method: 'PUT', body: forged, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  m.layers[0].digest = sha(forged);
  m.layers[0].size = forged.length;
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: JSON.stringify(m), headers: { 'content-type': accept } });
  if (res.status !== 201) throw new Error(`manifest upload: ${res.status} ${await res.text()}`);
}
