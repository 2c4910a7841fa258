// Builds dist/node/, what Node gets through the `node` export condition (bundlers, which also
// match `module`, get the dist/ modules instead):
// - core.script.cjs: both entries' modules in one CommonJS bundle (fflate and jsfive are required
//   on the first file read, not before);
// - index.js and keras.js: the two entries, each the loader (scripts/node-core-loader.js: runs the
//   bundle as a vm.Script with V8's code cache; it says how and why) and the named exports of the
//   bundle's namespaces.
//
//   node scripts/build-node.mjs   (after build:ts; `npm run build` runs it)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = `${dist}node/`;
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [`${dist}node-core.js`],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
  // Node prints the source line of an uncaught error above its message: a line of the whole
  // minified bundle buried a newcomer's ConfigError under 20 kB of code.
  lineLimit: 120,
  sourcemap: true,
  sourcesContent: false,
  // import.meta.url is the bundle's own URL (module.ts finds the .wasm one folder up from it);
  // import() is the loader's where the ES entries run the bundle as a vm script, which has none, and
  // the bundle's own where Node's CommonJS loader loads it. Strict as the ES modules it is built
  // from (esbuild's CommonJS output does not say so).
  banner: {
    js: '"use strict";var __wasmRnnModuleUrl=require("node:url").pathToFileURL(__filename).href,' +
      '__wasmRnnImport=typeof __wasmRnnImportFromLoader=="function"?__wasmRnnImportFromLoader:(specifier)=>import(specifier);',
  },
  define: { 'import.meta.url': '__wasmRnnModuleUrl' },
  outfile: `${out}core.script.cjs`,
});

// A script compiled by vm has no import(): the ones that reach Node's own modules by a name built
// at run time (one in platform.ts, node:fs/promises before Node 20.16; one in io/node-file.ts) call
// the loader's instead. The count is checked, so that a new one is looked at rather than missed.
const scriptFile = `${out}core.script.cjs`;
const [banner, bundled] = (() => {
  const text = readFileSync(scriptFile, 'utf8');
  const end = text.indexOf(';', text.indexOf('__wasmRnnImport=')) + 1;
  return [text.slice(0, end), text.slice(end)];
})();
const dynamicImports = bundled.match(/(?<![\w$.])import\(/g) ?? [];
if (dynamicImports.length !== 2) throw new Error(`build-node: expected the 2 dynamic imports of platform.ts and io/node-file.ts in core.script.cjs, found ${dynamicImports.length}`);
const script = banner + bundled.replace(/(?<![\w$.])import\(/g, '__wasmRnnImport(');
// The loader decodes the bundle as latin1 (a copy of its bytes, no UTF-8 decoding): esbuild's
// default charset writes ASCII only, which this keeps true.
const nonAscii = script.search(/[^\x00-\x7f]/);
if (nonAscii >= 0) throw new Error(`build-node: core.script.cjs must be ASCII (the loader reads it as latin1), found ${JSON.stringify(script.slice(nonAscii, nonAscii + 20))} at ${nonAscii}`);
writeFileSync(scriptFile, script);

// The loader is inlined in each ES entry rather than imported from a module of its own: one
// module less for Node's loader to resolve, read and link on every start.
const loader = readFileSync(fileURLToPath(new URL('./node-core-loader.js', import.meta.url)), 'utf8');
if (!loader.includes('\nexport const core = ')) throw new Error('build-node: node-core-loader.js must end in `export const core = ...`');
const inlinedLoader = loader.replace('\nexport const core = ', '\nconst core = ');

// One bundle for both entries: where two modules export functions of the same name (loadModel
// of the core entry's on-demand wrapper and of wasm-rnn/keras), esbuild renames one (loadModel2).
// The entry gives such a function its exported name back, as it is named in the dist/ modules.
const api = await import(new URL('index.js', `file://${dist}`).href);
const bundle = createRequire(import.meta.url)(scriptFile);
const kerasApi = await import(new URL('io/keras.js', `file://${dist}`).href);
const kerasBundle = await bundle.loadKeras();
function entry(comment, exported, built, namespace) {
  const names = Object.keys(exported).sort();
  const renamed = names.filter((name) => typeof built[name] === 'function' && built[name].name !== name && exported[name].name === name);
  const restore = renamed.length === 0 ? '' :
    `for (const name of ${JSON.stringify(renamed)}) Object.defineProperty(namespace[name], 'name', { value: name });\n`;
  return `// ${comment} Written by scripts/build-node.mjs, with scripts/node-core-loader.js inlined.\n${inlinedLoader}\nconst namespace = ${namespace};\n${restore}` +
    `export const {\n  ${names.join(',\n  ')},\n} = namespace;\n`;
}
writeFileSync(`${out}index.js`, entry("wasm-rnn in Node: the core entry's exports, from the bundle the loader below runs.", api, bundle, 'core'));
// CommonJS (require('wasm-rnn')): the bundle through Node's own loader, the instance the ES entries' loader
// shares when an import came first. Without the code cache, which only the ES entry's loader keeps.
const apiNames = Object.keys(api).sort();
const renamedInBundle = apiNames.filter((name) => typeof bundle[name] === 'function' && bundle[name].name !== name && api[name].name === name);
writeFileSync(`${out}index.cjs`, `// wasm-rnn for CommonJS: the core entry's exports from the same bundle. Written by scripts/build-node.mjs.\n'use strict';\n`
  + `const core = require('./core.script.cjs');\n`
  + (renamedInBundle.length === 0 ? '' : `for (const name of ${JSON.stringify(renamedInBundle)}) Object.defineProperty(core[name], 'name', { value: name });\n`)
  + `module.exports = {\n${apiNames.map((name) => `  ${name}: core.${name},`).join('\n')}\n};\n`);
// wasm-rnn/keras's file readers load asynchronously on first use, which require() cannot wait for.
const kerasRequireMessage = "wasm-rnn/keras loads its file readers asynchronously, so require() cannot return it; use await import('wasm-rnn/keras'), "
  + "or loadModel, loadWeights and saveModel from require('wasm-rnn'), which load them on first use";
writeFileSync(`${out}keras.cjs`, `// wasm-rnn/keras for CommonJS. Written by scripts/build-node.mjs.\n'use strict';\n`
  + `const { ConfigError } = require('./core.script.cjs');\nthrow new ConfigError(${JSON.stringify(kerasRequireMessage)});\n`);
writeFileSync(`${out}keras.js`, entry('wasm-rnn/keras in Node: the file readers, loaded from the bundle on import.', kerasApi, kerasBundle, 'await core.loadKeras()'));
