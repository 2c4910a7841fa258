// The Node entries' loader (inlined by scripts/build-node.mjs at the top of dist/node/index.js and
// keras.js): runs the package's Node bundle (core.script.cjs: every module of both
// entries, the file readers behind a lazy init) as a vm.Script with V8's code cache, the pattern
// of v8-compile-cache, because Node 20 has no compile cache for ES modules and compiling the
// bundle is most of what importing the package costs. The bundle is ASCII (the build checks), so
// it is decoded as latin1: a copy of its bytes, where UTF-8 decoding costs about 0.2 ms more.
//
// Fail-safe by construction: a cache V8 does not accept (another V8, other flags, a damaged or
// foreign file) is ignored and the bundle compiles from source, exactly as without a cache; a
// cache that cannot be read or written (a read-only install, a missing directory) is no cache.
// The cache lives beside the bundle, in the package's own folder and nowhere else: whoever can
// write there can already change the code itself, so the cache adds no one who can (a shared
// folder such as the system's temporary directory would). V8 checks only the length of the
// source, so the file's name carries the bundle's size, modification time and inode, the V8
// version and the architecture: an edited or reinstalled bundle never meets an old cache. It also
// carries a hash of Node's options (V8 rejects a cache made under other V8 flags): processes
// started with other options keep caches of their own rather than overwrite one another's.
//
// With source maps on (`node --enable-source-maps`), Node's CommonJS loader loads the same file
// instead, without a cache: Node 20 maps stack traces of the modules it loads, not of vm scripts.
// Where this module itself runs in another context than Node's main one (a test runner that
// evaluates modules in a vm context, as Jest and Vitest's vmThreads pool do), both would put the
// package in the main context, where its Float32Array and Error are not the caller's: there the
// bundle is evaluated in this module's own context, without a cache.
// Node's modules come from process.getBuiltinModule (Node 20.16+): an ES import of them builds a
// module of all their exports, about 6 ms of every start for these five (node:fs's lazy
// `promises` among them). Older Node imports them.
const builtin = typeof process.getBuiltinModule === 'function' ? (id) => process.getBuiltinModule(id) : (id) => import(id);
const [{ closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync }, { Module, createRequire }, { dirname }, { fileURLToPath }, { Script, runInThisContext }] =
  await Promise.all(['node:fs', 'node:module', 'node:path', 'node:url', 'node:vm'].map(builtin));

const scriptUrl = new URL('./core.script.cjs', import.meta.url);
const scriptPath = fileURLToPath(scriptUrl);
const require = createRequire(scriptUrl);
/** Node's own CommonJS wrapper, plus the import() that a vm script lacks (the bundle's banner uses it). */
const WRAPPER = '(function (exports, require, module, __filename, __dirname, __wasmRnnImportFromLoader) {';

function sourceMapsEnabled() {
  if (typeof process.sourceMapsEnabled === 'boolean') return process.sourceMapsEnabled;
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
}

/** FNV-1a of Node's options (the command line's, less an -e / -p script, and NODE_OPTIONS), in hex. */
function optionsHash() {
  const options = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    if (['-e', '--eval', '-p', '--print'].includes(process.execArgv[i])) i++;
    else options.push(process.execArgv[i]);
  }
  let hash = 0x811c9dc5;
  for (const char of `${options.join(' ')}|${process.env.NODE_OPTIONS ?? ''}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(16);
}

/**
 * The bytes of the open file `fd` of `size` bytes (fewer if it shrank meanwhile): one read into a
 * buffer of its size, where readFileSync's first call in a process costs about 0.5 ms more for
 * the bundle (it stats the file again and grows its buffer in steps).
 */
function readWhole(fd, size) {
  const bytes = Buffer.allocUnsafeSlow(size);
  let length = 0;
  while (length < size) {
    const read = readSync(fd, bytes, length, size - length, length);
    if (read === 0) break;
    length += read;
  }
  return length === size ? bytes : bytes.subarray(0, length);
}

function readBundle() {
  const fd = openSync(scriptPath, 'r');
  try {
    const { size, mtimeMs, ino } = fstatSync(fd);
    const key = `${process.arch}-${process.versions.v8}-${optionsHash()}-${size}-${Math.round(mtimeMs * 1000)}-${ino}`;
    return { source: readWhole(fd, size).toString('latin1'), cachePath: `${scriptPath}.${key.replace(/[^\w.-]/g, '_')}.cache` };
  } finally {
    closeSync(fd);
  }
}

function readCache(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
    return readWhole(fd, fstatSync(fd).size);
  } catch {
    return undefined;
  } finally {
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // Read or not, the cache is what was read.
    }
  }
}

/** The cache of what this process compiled, written whole under a temporary name and renamed, so that no process reads half a file. */
function writeCache(script, path) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    // The file first: where the folder is read-only (a root-owned or image install) no process
    // pays for serializing a cache it cannot keep (about 5 ms at exit).
    const fd = openSync(temporary, 'wx');
    try {
      writeFileSync(fd, script.createCachedData());
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written, or nothing can be removed: either way no cache, as before.
    }
  }
}

function runCached() {
  const { source, cachePath } = readBundle();
  const cachedData = readCache(cachePath);
  // The wrapper sits on the file's first line, so columnOffset keeps positions those of the file.
  const script = new Script(WRAPPER + source + '\n})', { filename: scriptPath, columnOffset: -WRAPPER.length, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit, so that the cache holds the functions this process compiled, not only the top level.
    process.once('exit', () => writeCache(script, cachePath));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, scriptPath, dirname(scriptPath), (specifier) => import(specifier));
  return module.exports;
}

/** Whether this module runs in Node's main context, where vm.Script and require evaluate code. */
function inMainContext() {
  try {
    return runInThisContext('globalThis') === globalThis;
  } catch {
    return false;
  }
}

/** The bundle evaluated in this module's own context (an indirect eval), for a module loaded into another one. */
function runHere() {
  const wrapped = (0, eval)(`${WRAPPER}${readFileSync(scriptPath, 'utf8')}\n})\n//# sourceURL=${scriptUrl.href}`);
  const module = { exports: {} };
  wrapped(module.exports, require, module, scriptPath, dirname(scriptPath), (specifier) => import(specifier));
  return module.exports;
}

/**
 * The bundle's exports as Node's CommonJS loader keeps a module, so that `require('wasm-rnn')`
 * (dist/node/index.cjs requires the bundle) gets this same instance (one ready(), one Tensor class)
 * whichever of import and require comes first.
 */
function shared(evaluate) {
  const kept = require.cache[scriptPath];
  if (kept?.loaded) return kept.exports;
  const exports = evaluate();
  const entry = new Module(scriptPath);
  entry.filename = scriptPath;
  entry.exports = exports;
  entry.loaded = true;
  require.cache[scriptPath] = entry;
  return exports;
}

/** Every export of both entries, and `loadKeras()` for the file readers. */
export const core = !inMainContext() ? runHere() : sourceMapsEnabled() ? require(scriptPath) : shared(runCached);
