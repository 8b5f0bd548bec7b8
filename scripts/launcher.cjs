#!/usr/bin/env node
// The kubeharden command (package.json bin), copied to dist/cli/main.js by scripts/bundle.mjs
// (CommonJS: dist/cli/package.json says so; it starts ~7 ms sooner than an ES module entry).
//
// It runs the bundled CLI, dist/cli/kubeharden.cjs, as a CommonJS function compiled with
// vm.Script and V8's code cache (kubeharden.cjs.cache, written by the build after a sample scan):
// V8 deserializes bytecode instead of parsing and compiling ~1.3 MB of JavaScript, ~40 ms of a
// 200 ms tiny scan. The cache is only an optimisation: V8 rejects it when it does not match (V8
// version, flags, source) and the code is compiled as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const file = join(__dirname, 'kubeharden.cjs');
const url = pathToFileURL(file).href; // import.meta.url in the bundle

if (process.sourceMapsEnabled) {
  // Debugging (--enable-source-maps): Node's own loader, which maps stack traces to src/ (it does
  // not for vm.Script), and no cache.
  globalThis.__kubehardenImportMetaUrl = url;
  require(file);
} else {
  // Set by the build only: write the cache from this run instead of reading it.
  const cacheOut = process.env.KUBEHARDEN_CODE_CACHE_OUT;
  let cachedData;
  if (!cacheOut) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      // no cache: compile
    }
  }
  // The wrapper goes on the bundle's first line (a comment), so line numbers in stack traces hold.
  // The bundle is ASCII (the build makes sure): latin1 is the fast way to read it.
  // Stack traces name the file relative to the package: V8 keeps the name the cache was made with
  // (the build directory), so an absolute path would be wrong whenever the cache is used.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __kubehardenImportMetaUrl) {${readFileSync(file, 'latin1')}\n})`, {
    filename: 'kubeharden/dist/cli/kubeharden.cjs',
    cachedData,
  });
  if (cacheOut) process.once('exit', () => writeFileSync(cacheOut, script.createCachedData()));
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, require, bundle, file, __dirname, url);
}
