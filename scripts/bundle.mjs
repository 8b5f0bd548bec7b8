// Builds the shipped CLI (npm run build, after tsc has typechecked): an esbuild bundle of
// src/cli/main.ts and its npm dependencies, run with V8's code cache, so start-up reads a few
// files and deserializes bytecode instead of resolving and compiling ~250 ES modules.
//
//   dist/cli/main.js               the command (package.json bin: kubeharden, kubectl-harden):
//                                  scripts/launcher.cjs, which runs kubeharden.cjs with the cache
//   dist/cli/package.json          { "type": "commonjs" }, for main.js
//   dist/cli/kubeharden.cjs        the CLI, one CommonJS bundle (commands are still initialised on
//                                  demand: esbuild turns src/cli/main.ts's import() into lazy inits)
//   dist/cli/kubeharden.cjs.cache  V8 code cache, written by running a sample scan at build time
//   dist/load/load-worker.cjs      the worker thread that reads and parses files of large scans
//   dist/cli/vendor/*.cjs          heavy dependencies that only some commands use (Kubernetes
//                                  client, webhook server, config schema), each its own bundle
//                                  holding just the exports kubeharden.cjs uses; require()d on
//                                  first use, so a scan neither reads nor caches them
//   dist/**/*.map                  source maps (not loaded at start-up: no --enable-source-maps)
//   dist/checks/**/doc.md          check docs (`kubeharden explain`), src/checks/docs.ts
//   dist/rbac/data/                bootstrap RBAC policy, plus bootstrap.json: the same objects
//                                  pre-parsed (src/rbac/defaults.ts)
//
// Runtime data is found through import.meta.url as `../<dir under src>/...`: from a module in
// src/<dir>/ that is the source tree; in the bundle import.meta.url is kubeharden.cjs in dist/cli/,
// so it is dist/. Hence assets keep their src/ paths under dist/.
//
// The build goes to a fresh directory in .cache/ that then replaces dist/ (two renames), so a CLI
// started from dist/ meanwhile (other work in the same checkout) never sees a half-written build.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const out = join(root, '.cache', `dist-build-${process.pid}`);
const cli = join(out, 'cli');

/** Dependencies bundled apart (dist/cli/vendor/<file>.cjs): large, and not needed by a scan. */
const VENDOR = {
  '@kubernetes/client-node': 'kubernetes-client-node', // rbac --kubeconfig, webhook install, namespace watch
  zod: 'zod', // config files, webhook policy, generate
  pino: 'pino', // webhook
  'prom-client': 'prom-client', // webhook
  selfsigned: 'selfsigned', // webhook --tls-self-signed
  '@sigstore/verify': 'sigstore-verify', // image gate: Sigstore bundle signatures
  '@sigstore/bundle': 'sigstore-bundle', // image gate: Sigstore bundle signatures
};
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, legalComments: 'eof', logLevel: 'warning', write: false };
/** esbuild lays the output out for dist/ (source maps point from there to src/); it is written to `out`. */
const inDist = (p) => join(dist, relative(out, p));
function emit(result) {
  for (const f of result.outputFiles) {
    const to = join(out, relative(dist, f.path));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, f.contents);
  }
}

rmSync(out, { recursive: true, force: true });
try {
  // 1. The CLI.
  const core = join(cli, 'kubeharden.cjs');
  emit(await build({
    ...common,
    entryPoints: [join(src, 'cli', 'main.ts')],
    outfile: inDist(core),
    charset: 'ascii',
    // The launcher passes the bundle's file URL as this parameter.
    define: { 'import.meta.url': '__kubehardenImportMetaUrl' },
    plugins: [
      {
        name: 'vendor',
        setup(b) {
          b.onResolve({ filter: /^[@a-z]/ }, (a) => (Object.hasOwn(VENDOR, a.path) ? { path: `./vendor/${VENDOR[a.path]}.cjs`, external: true } : undefined));
        },
      },
      {
        // commander requires node:child_process at load, for executable subcommands kubeharden
        // has none of; child_process pulls in net and the stream modules (~5 ms of every start).
        // Its three uses are `childProcess.spawn(`: the module is required on first use instead.
        name: 'commander-lazy-child-process',
        setup(b) {
          b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (a) => {
            const eager = "const childProcess = require('node:child_process');";
            const code = readFileSync(a.path, 'utf8');
            if (!code.includes(eager) || (code.match(/childProcess\./g) ?? []).length !== (code.match(/childProcess\.spawn\(/g) ?? []).length) {
              throw new Error(`${a.path}: commander no longer requires child_process as this build expects; update the commander-lazy-child-process plugin`);
            }
            return { contents: code.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
          });
        },
      },
    ],
  }));
  // The launcher wraps the code in a function: a hashbang line would be a syntax error there.
  // It reads the file as latin1 (2 ms; utf8 takes 3.5-5 ms) into a one-byte string: so the file
  // must be ASCII. esbuild escapes non-ASCII in strings, regexps and names (charset: 'ascii');
  // what is left is in comments, replaced here (same length in UTF-16 units: columns hold).
  const code = readFileSync(core, 'utf8')
    .replace(/^#!/, '//')
    .replace(/[\u0080-\u{10ffff}]/gu, (c) => '?'.repeat(c.length));
  writeFileSync(core, code);
  if (/(?<![\w$.])import\s*\(/.test(code)) throw new Error('kubeharden.cjs has an import() left: vm.Script cannot run it (bundle the module or add it to VENDOR)');

  // The load worker (src/load/load-pool.ts), started as a worker thread by large scans: its own
  // small bundle (the file reader and YAML parsers), found at dist/load/load-worker.cjs.
  emit(await build({ ...common, entryPoints: [join(src, 'load', 'load-worker.ts')], outfile: inDist(join(out, 'load', 'load-worker.cjs')) }));
  // It must parse on its own (no node_modules next to dist/): one file, as the pool sends it.
  const sampleFile = join(root, 'examples', 'insecure', 'web.yaml');
  const workerCheck = spawnSync(process.execPath, ['-e', `const w = new (require('node:worker_threads').Worker)(${JSON.stringify(join(out, 'load', 'load-worker.cjs'))}); w.on('message', (m) => { if (m.step.outcome !== 'parsed') { console.error(JSON.stringify(m)); process.exit(1); } w.terminate(); }); w.postMessage({ id: 0, path: ${JSON.stringify(sampleFile)}, maxBytes: 1 << 20 });`], { encoding: 'utf8', cwd: '/' });
  if (workerCheck.status !== 0) throw new Error(`load worker bundle: ${workerCheck.stderr}`);

  // 2. Vendor bundles, each exporting what kubeharden.cjs reads from it (`<var>.<name>` after
  // `<var> = require("./vendor/<file>.cjs")`), or everything if it uses the module otherwise.
  const entries = {};
  for (const [pkg, name] of Object.entries(VENDOR)) {
    const req = `require("./vendor/${name}.cjs")`;
    const vars = [...code.matchAll(/([\w$]+) = (?:__toESM\()?require\("\.\/vendor\/([\w.-]+)\.cjs"\)/g)].filter((m) => m[2] === name).map((m) => m[1]);
    if (vars.length === 0) {
      if (code.includes(req)) throw new Error(`kubeharden.cjs uses ${req} in a way this script does not recognise`);
      continue; // unused
    }
    const used = new Set();
    let whole = false;
    for (const v of vars) {
      for (const m of code.matchAll(new RegExp(`(?<![\\w$.])${v.replace(/\$/g, '\\$')}(?![\\w$])(\\.[\\w$]+| = |,|;)?`, 'g'))) {
        if (m[1]?.startsWith('.')) used.add(m[1].slice(1));
        else if (m[1] !== ' = ' && m[1] !== ',' && m[1] !== ';') whole = true; // not a property read, a declaration or the require
      }
    }
    entries[name] = { pkg, names: whole ? undefined : [...used].sort() };
  }
  emit(await build({
    ...common,
    entryPoints: Object.fromEntries(Object.keys(entries).map((name) => [name, `vendor:${name}`])),
    outdir: inDist(join(cli, 'vendor')),
    outExtension: { '.js': '.cjs' },
    plugins: [
      {
        name: 'vendor-entries',
        setup(b) {
          b.onResolve({ filter: /^vendor:/ }, (a) => ({ path: a.path.slice('vendor:'.length), namespace: 'vendor' }));
          b.onLoad({ filter: /.*/, namespace: 'vendor' }, (a) => {
            const { pkg, names } = entries[a.path];
            return { contents: names ? `export { ${names.join(', ')} } from '${pkg}';` : `export * from '${pkg}';`, resolveDir: root, loader: 'js' };
          });
        },
      },
    ],
  }));
  // Every name kubeharden.cjs reads must be there (a missing one would be `undefined` at run time).
  const check = spawnSync(process.execPath, ['-e', `for (const [f, names] of ${JSON.stringify(Object.entries(entries).map(([n, e]) => [join(cli, 'vendor', `${n}.cjs`), e.names ?? []]))}) { const m = require(f); for (const n of names) if (m[n] === undefined) { console.error(f + ': no export ' + n); process.exit(1); } }`], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`vendor bundles: ${check.stderr}`);

  // 3. Runtime assets, at their src/ paths (test fixtures are not runtime assets).
  const ASSET = /\.(md|json|yaml|yml)$/;
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'fixtures') walk(p);
      } else if (ASSET.test(name)) {
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
    const doc = parseYaml(readFileSync(join(src, 'rbac', 'data', f), 'utf8'));
    if (!Array.isArray(doc?.items) || doc.items.length === 0) throw new Error(`src/rbac/data/${f}: no items`);
    objects.push(...doc.items);
  }
  writeFileSync(join(out, 'rbac', 'data', 'bootstrap.json'), JSON.stringify(objects));

  // 4. The command. It is run directly (bin links, kubectl plugin lookup): executable.
  const main = join(cli, 'main.js');
  cpSync(join(root, 'scripts', 'launcher.cjs'), main);
  chmodSync(main, 0o755);
  writeFileSync(join(cli, 'package.json'), '{ "type": "commonjs" }\n');

  // 5. The code cache: V8 keeps the bytecode of every function compiled so far, so a sample scan
  // (workloads, RBAC, a namespace; not the Kustomize example: it needs kubectl) caches what scans run.
  const cacheFile = `${core}.cache`;
  const sample = spawnSync(process.execPath, [main, 'scan', 'examples/insecure', 'examples/hardened'], { cwd: root, encoding: 'utf8', env: { ...process.env, KUBEHARDEN_CODE_CACHE_OUT: cacheFile } });
  if (sample.status !== 0 && sample.status !== 1) throw new Error(`sample scan for the code cache failed (${sample.status}): ${sample.stderr}`);
  if (!existsSync(cacheFile)) throw new Error('sample scan wrote no code cache');

  const old = join(root, '.cache', `dist-old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(out, dist);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}
