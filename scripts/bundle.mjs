// Builds the shipped CLI (npm run build, after tsc has typechecked): one esbuild bundle of
// src/cli/main.ts with its npm dependencies, so start-up reads a handful of files instead of
// resolving and compiling ~250 modules.
//
//   dist/cli/main.js          entry (package.json bin: kubeharden, kubectl-harden)
//   dist/cli/*-<hash>.js      chunks: each command (src/cli/main.ts imports them on demand) and
//                             the code they share; the webhook (fastify, pino, prom-client) and
//                             the Kubernetes client load only with the commands that use them
//   dist/cli/*.js.map         source maps (not loaded at start-up: no --enable-source-maps)
//   dist/checks/**/doc.md     check docs (`kubeharden explain`), src/checks/docs.ts
//   dist/rbac/data/           bootstrap RBAC policy, plus bootstrap.json: the same objects
//                             pre-parsed (src/rbac/defaults.ts)
//
// Runtime data is found through import.meta.url as `../<dir under src>/...`: from a module in
// src/<dir>/ that is the source tree; in the bundle every chunk is in dist/cli/, so it is dist/.
// Hence chunks must stay in dist/cli/ and assets keep their src/ paths under dist/.
//
// The build goes to a fresh directory that then replaces dist/ (two renames), so a CLI started
// from dist/ meanwhile (other work in the same checkout) never sees a half-written build.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
// In .cache/ (git- and eslint-ignored) so nothing lints or tests a half-written build.
const out = join(root, '.cache', `dist-build-${process.pid}`);
rmSync(out, { recursive: true, force: true });

try {
  await build({
    entryPoints: [join(src, 'cli', 'main.ts')],
    outdir: out,
    entryNames: 'cli/[name]',
    chunkNames: 'cli/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    legalComments: 'eof',
    logLevel: 'warning',
    // Bundled CommonJS packages (commander, pino, ...) call require() for Node built-ins; an ES
    // module has no require, so every chunk gets one.
    banner: { js: "import { createRequire as __kubehardenCreateRequire } from 'node:module';\nconst require = __kubehardenCreateRequire(import.meta.url);" },
  });

  // Runtime assets, at their src/ paths (test fixtures are not runtime assets).
  const ASSET = /\.(md|json|yaml|yml)$/;
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'fixtures') walk(p);
      } else if (ASSET.test(name) && !name.endsWith('.test.json')) {
        const to = join(out, relative(src, p));
        mkdirSync(dirname(to), { recursive: true });
        cpSync(p, to);
      }
    }
  };
  walk(src);

  // The bootstrap RBAC policy, pre-parsed exactly as src/rbac/defaults.ts parses the YAML.
  const objects = [];
  for (const f of ['cluster-roles.yaml', 'cluster-role-bindings.yaml']) {
    const doc = jsyaml.load(readFileSync(join(src, 'rbac', 'data', f), 'utf8'), { schema: jsyaml.CORE_SCHEMA });
    if (!Array.isArray(doc?.items) || doc.items.length === 0) throw new Error(`src/rbac/data/${f}: no items`);
    objects.push(...doc.items);
  }
  writeFileSync(join(out, 'rbac', 'data', 'bootstrap.json'), JSON.stringify(objects));

  // The CLI entry is run directly (bin links, kubectl plugin lookup): make it executable.
  chmodSync(join(out, 'cli', 'main.js'), 0o755);

  const old = join(root, '.cache', `dist-old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(out, dist);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}
