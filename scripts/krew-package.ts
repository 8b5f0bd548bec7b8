// Release step for krew: packs package.json, README.md and dist/ (run `npm run build` first) into
// dist-krew/kubectl-harden-v<version>.tar.gz (sorted, fixed mtime and owner: reproducible for one
// build) and writes dist-krew/harden.yaml, the plugin manifest with that archive's sha256, for
// the krew-index pull request.
//   npm run krew [-- --out DIR]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { KREW_ARCHIVE_FILES, krewArchiveName, krewManifest } from '../src/deploy/krew.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag > 0 ? process.argv[outFlag + 1] : join(root, 'dist-krew'));
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('krew-package: dist/cli/main.js missing: run npm run build first');
  process.exit(2);
}
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
mkdirSync(out, { recursive: true });
const archive = join(out, krewArchiveName(version));
const tar = spawnSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--exclude=*.map', '-czf', archive, ...KREW_ARCHIVE_FILES], { cwd: root, encoding: 'utf8', env: { ...process.env, GZIP: '-n' } });
if (tar.status !== 0) {
  console.error(`krew-package: tar failed: ${tar.stderr}`);
  process.exit(2);
}
const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
writeFileSync(join(out, 'harden.yaml'), stringify(krewManifest(version, sha256), { lineWidth: 0 }));
console.log(`${archive}\n${join(out, 'harden.yaml')} (sha256 ${sha256})`);
