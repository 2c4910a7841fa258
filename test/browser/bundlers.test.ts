// The packed package (`npm pack`) in tiny apps, as a user gets it: built with Vite (no config
// file, no options beyond the root), served by Vite's dev server, bundled with esbuild, and
// imported from a plain <script type="module"> with no bundler at all; each opened in headless
// Chromium, where an LSTM must give the same numbers as in Node.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build as esbuild, transform } from 'esbuild';
import { build as viteBuild, createServer as viteServer } from 'vite';
import * as api from '../../dist/index.js';
import { loadFixture, maxViolation } from '../fixtures.js';
import { SEED_INPUT, runSeedExamples, runSmallLstm, type PlainTensor } from './cases.js';
import { describeWithChromium, launchChromium, readyAsChromium, sameBuildOrClose, type Chromium } from './chromium.js';
import { startStaticServer } from './static-server.js';

const run = promisify(execFile);
beforeAll(async () => {
  await readyAsChromium(api);
});

const repo = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Gzipped bytes a browser downloads for the Vite app: its JS and the .wasm. 32 KiB since Keras 3's
 * summary table (about 1.9 KB of it; an app that does not import the models pays nothing), 38 KiB
 * since streaming (stream(), initSync and the stream_step kernel: about 4.1 KB), 40 KiB since checked
 * options everywhere, fromConfig on every layer class and numpy-style printing (about 3.4 KB), 42 KiB
 * since the orthogonal initializer's WebAssembly QR and float64 Householder (about 2.2 KB; every
 * recurrent layer uses them), 44 KiB since issue 12's hardening (exact size checks, DisposedError,
 * validated tensors: about 1.6 KB).
 * 60 KiB since training (about 4.1 KB of backward kernels in the wasm, which every app
 * downloads, and about 11 KB of training JS, which only apps importing the models get).
 * 62 KiB since model.toJSON() (Keras 3 / tf.keras serialisation of Sequential and functional models
 * with their compile config: about 2 KB, which only apps importing the models get; the file writers
 * live in wasm-rnn/keras).
 * 64 KiB since the optimizer kernels, training dropout and several-output training (about 2 KB).
 * 80 KiB since issue 16's layers around the RNNs (the whole-library app measured 64.6 KiB with
 * CuDNN, the Keras 1 conversions, the shape layers, Activation and BatchNormalization, before
 * convolution and pooling (about 1.5 KB of kernels and 5 KB of layer JS) and toJSON joined; merges,
 * Dot, attention and the normalisation layers follow).
 * 88 KiB with all of issue 16's layers, ConvLSTM and saving's toJSON: the whole-library app measured 84.6 KiB.
 * 92 KiB since training's recurrent_dropout (about 1.7 KB) and the per-frame stream layers of
 * issue 18 (about 0.8 KB of frame ops in the wasm, 0.5 KB of JS): 89.6 KiB measured.
 * 96 KiB since issue 13's newcomer checks (every training option checked with its camelCase
 * spelling, classWeight, trainable, sparse-label checks, Keras' positional forms: about 2.8 KB of
 * JS) on top of issue 18's Keras activations in the wasm: 93.6 KiB measured. Streams of causal
 * Conv1D and global pooling over time then added about 0.9 KB of JS and 0.15 KB of wasm.
 * 98 KiB since models used as layers (nested Sequential/Functional, their configs and weight
 * files): 96.1 KiB measured with the first slice.
 * 108 KiB since issue 13's training set (Keras' other losses, with label smoothing and the focal
 * losses; Nadam, Adamax, Adadelta, Lion and Ftrl, about 0.7 KB of wasm; the metrics with
 * Precision, Recall and AUC; their names, configs and option checks): 103.2 KiB measured before
 * the nested models, 104.2 KiB with them.
 * 112 KiB since loadModel / saveModel / loadWeights in the core entry (issue 13): the file readers
 * and writers are a lazy chunk (about 47 KB, fetched only on the first call, so not counted), and
 * what the page does download grew by 2.6 KB (95.4 to 98.0 KiB measured before models as layers):
 * Vite's preload helper (about 0.8 KB), the on-demand functions (0.6 KB), and the chunk boundary,
 * across which the helpers the lazy chunk shares with the core stay exported instead of tree-shaken;
 * and since Keras' callbacks (ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler,
 * CSVLogger, LambdaCallback, TerminateOnNaN: about 3.4 KB, which only apps importing them pay):
 * 101.2 KiB measured with both before models as layers and the training set.
 * 113 KiB since the orthogonal initializer's kernel warm-up and the packed Q that recurrent layers
 * keep (issue 13: about 0.7 KB of JS and wasm): 112.1 KiB measured.
 * 115 KiB since layer.input / output, model.input(s) / output(s), summary's expandNested and
 * showTrainable and TimeDistributed(model) streams (about 1.8 KB): 113.9 KiB measured.
 * 118 KiB since training's loss reductions, F1Score / FBetaScore / R2Score with weightedMetrics
 * and the losses' axis (about 2.8 KB of JS, most of it their option checks and messages):
 * 116.7 KiB measured.
 * 121 KiB since training through a CNN-LSTM's layers (convolutions, pooling, global pooling, the
 * shape layers, Activation, TimeDistributed of any layer: about 2.4 KB of JS): 118.6 KiB measured.
 * 123 KiB since the orthogonal initializer's float64 Cholesky QR2 for square kernels (issue 13:
 * about 1 KB of kernels and host code): 121.0 KiB measured.
 * 125 KiB since training through the merges, LayerNormalization and BatchNormalization (about 2.3 KB
 * of JS) and one-row streams' interleaved weights: 122.7 KiB measured.
 * 127 KiB since training through every Keras activation, the noise layers (SpatialDropout,
 * GaussianNoise / GaussianDropout, AlphaDropout), ActivityRegularization, Dot and TimeDistributed
 * of a model: 124.9 KiB measured, 0.1 KiB under the old budget.
 * 130 KiB since streams of frames that are tensors (issue 18: TimeDistributed CNNs, convolutions
 * and pooling with a one-step window on the time axis, Reshape / Permute within a frame, ConvLSTM
 * one step at a time; four stream ops in the wasm): 127.6 KiB measured (130637 B).
 * 131 KiB since Keras' read-only attributes (metricsNames, inputShape / outputShape,
 * trainableWeights / nonTrainableWeights, dtype), cloneModel, Tensor.toJSON and the metrics'
 * label broadcast, on top of this session's other landings: 130.1 KiB measured (133239 B).
 * 136 KiB since the activation layers (ReLU, LeakyReLU, ELU, PReLU, Softmax: their classes, configs,
 * training steps, stream ops and three parameter kinds in the wasm) and the time-axis layers
 * (ZeroPadding1D, Cropping1D, UpSampling1D), on top of main at 4c9eec0: 135.6 KiB measured (138869 B).
 * 138 KiB since Keras' generic RNN and its cells (SimpleRNNCell, LSTMCell, GRUCell), on top of
 * main at 0a3ee96: 137.3 KiB measured (140611 B).
 * 139 KiB since streams through windows on the time axis (Conv1D 'valid' / strided 'causal',
 * Max/AveragePooling1D with strides: their gates, clocks and two stream ops), on top of main at
 * 9e6a09c: 138.8 KiB measured (142161 B).
 * 144 KiB since the weight regularizers and constraints (L1, L2, L1L2, OrthogonalRegularizer, MaxNorm,
 * NonNeg, UnitNorm, MinMaxNorm, their options, configs and training hooks on every weighted layer:
 * about 4.5 KB), on top of main at ff3f382: 143.2 KiB measured (146674 B); the LSTM-only app 51.3 to 54.4 KiB.
 * 145 KiB since the Keras newcomer hints (tf.keras 2's lr and decay, swapped letters, a layer class given
 * to add, one sample without its batch axis), trainOnBatch's classWeight and History.params, on top of main
 * at a12df3c: 144.4 KiB measured (147842 B).
 * 146 KiB since every layer's activityRegularizer (the option, its config key, its penalty and gradient
 * in training, the refusals), on top of main at f9fb9e0: 145.0 KiB measured (148487 B).
 * 148 KiB since Keras' six learning-rate schedules (their classes, option checks, configs and the
 * optimizer's reading of them: about 2.7 KB), on top of main at 187292f: 147.7 KiB measured (151201 B).
 * 149 KiB since training through Attention and AdditiveAttention (their backward passes and the
 * weights' dropout: about 1 KB), on top of main at 624ac9f: 148.8 KiB measured (152326 B).
 * 154 KiB since Keras' loss and metric classes (losses.*, metrics.*: 42 classes), the Callback base
 * class and the metric-direction monitor of EarlyStopping, ReduceLROnPlateau and ModelCheckpoint,
 * summary's optimizer params and layerRange, Keras' naming of Sequential's builds and the unique-name
 * checks: about 4.6 KB, on top of main at f7c01b1: 153.3 KiB measured (157016 B).
 * 155 KiB since Keras' list order of evaluate, the number a lone loss converts to, null losses per
 * output, 'crossentropy' by shape, validationFreq and validationBatchSize, the unavailable-monitor
 * warnings and Embedding ids of any rank: about 0.9 KB, on top of main at 68ca2ac: 154.3 KiB measured (157953 B).
 * 156 KiB since temporal sample weights, models from intermediate tensors (Keras 3's clone_graph_nodes),
 * the outputs of a chain with an inner output, and Layer's own apply, weights and inputNames: about
 * 1.1 KB, on top of main at 2fd2e6b: 155.4 KiB measured (159086 B).
 * 157 KiB since Keras' explicit mask in a graph (layer(x, mask=m): the graph runners, training,
 * both JSON spellings, the stream's refusal): about 0.7 KB, on top of main at fe99e30: 156.0 KiB measured (159787 B).
 * 158 KiB since Keras' Normalization layer (adapt, constants, invert, its int64 count in files, a
 * stream's affine) and every apply()'s option checks: about 1.8 KB, on top of main at 8484051: 157.8 KiB measured (161572 B).
 * 159 KiB since the int64 sizes of Keras 3's summary and Normalization's checks of its constants
 * and adapt data: about 0.3 KB, on top of main at 2e8e9ee: 158.1 KiB measured (161868 B).
 * 161 KiB since the Rescaling layer and the hardening of session 33 (configs too deep to walk, 32-bit
 * window spans, host result sizes, TF.js weights by name, normalisations over any axes of a frame in
 * a stream): about 2.1 KB, on top of main at 32b9825: 160.1 KiB measured (163978 B).
 * 162 KiB since the rest of session 33's passes (float32 thresholds, load warnings, ConvLSTM's weight
 * layout, stream.step by input name, the tf.keras 2 spellings refused by name): about 0.9 KB, on top
 * of main at a34e6f5: 161.1 KiB measured (164921 B).
 */
const GZIP_BUDGET = 162 * 1024;

interface AppReport {
  variant: string;
  seed: Record<'last' | 'seq', PlainTensor[]>;
  small: PlainTensor;
  missing: { name: string; isRuntimeError: boolean; message: string };
}

/**
 * The app: first a ready() that must fail on a missing file (and leave the package loadable), then
 * the real one, then the seed examples and a seeded LSTM through the code the Node side runs too.
 * `{{IMPORTS}}` and `{{SOURCE}}` are where the variants differ.
 */
const APP_MAIN = `
import * as api from {{PACKAGE}};
import { runSeedExamples, runSmallLstm } from './cases.js';
{{IMPORTS}}
const report = {};
try {
  await api.ready({ wasm: './no-such-file.wasm' });
} catch (error) {
  report.missing = { name: error.name, isRuntimeError: error instanceof api.RuntimeError, message: error.message };
}
await api.ready({{SOURCE}});
report.variant = api.kernelVariant();
report.seed = runSeedExamples(api);
report.small = runSmallLstm(api);
window.report = report;
document.title = 'done';
`;

const INDEX_HTML = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>wasm-rnn app</title></head>` +
  `<body><script type="module" src="${script}"></script></body></html>\n`;

describeWithChromium('the packed package in apps', () => {
  let work: string;
  let tarball: string;
  let packedFiles: string[];
  let chromium: Chromium;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wasm-rnn-apps-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed.filename);
    packedFiles = packed.files.map((f) => f.path);
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A new app folder with the tarball unpacked as node_modules/wasm-rnn and the given files. */
  async function makeApp(name: string, files: Record<string, string>): Promise<string> {
    const app = join(work, name);
    const installed = join(app, 'node_modules', 'wasm-rnn');
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    // The package's dependencies (jsfive and fflate, which the model-file chunk imports), from this
    // repository's install (keeps the test offline).
    const { dependencies = {} } = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(dependencies)) {
      await symlink(join(repo, 'node_modules', dependency), join(app, 'node_modules', dependency), 'dir');
    }
    const cases = await transform(await readFile(new URL('./cases.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'esm' });
    const all: Record<string, string> = {
      'package.json': JSON.stringify({ name: `app-${name}`, private: true, type: 'module', dependencies: { 'wasm-rnn': `file:${tarball}` } }, null, 2),
      'cases.js': cases.code,
      ...files,
    };
    for (const [file, text] of Object.entries(all)) await writeFile(join(app, file), text);
    return app;
  }

  const main = (pkg: string, imports = '', source = '') =>
    APP_MAIN.replace('{{PACKAGE}}', JSON.stringify(pkg)).replace('{{IMPORTS}}', imports).replace('{{SOURCE}}', source);

  /** Opens the app and returns its report and the requests it made. */
  async function openApp<T = AppReport>(url: string, requests: string[] = []): Promise<T> {
    const { page, errors } = await chromium.newPage();
    page.on('response', (r) => requests.push(`${r.status()} ${new URL(r.url()).pathname} ${r.headers()['content-type'] ?? ''}`));
    try {
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 20_000 }).catch(() => {
        throw new Error(`the app did not finish; page errors: ${errors.join('; ') || 'none'}`);
      });
      return (await page.evaluate('window.report')) as T;
    } finally {
      await page.close();
    }
  }

  async function serveAndOpen<T = AppReport>(dir: string, path = '/'): Promise<{ report: T; requests: string[] }> {
    const server = await startStaticServer([{ prefix: '/', dir }]);
    const requests: string[] = [];
    try {
      return { report: await openApp<T>(server.origin + path, requests), requests };
    } finally {
      await server.close();
    }
  }

  it('packs the minified browser bundle, the .wasm and the types, and not the demo or the unminified bundle', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/browser/wasm-rnn.min.js', 'dist/wasm-rnn.wasm', 'LICENSE', 'package.json']) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((f) => f.startsWith('dist/web-demo/') || f.startsWith('dist/demo.') || f === 'dist/browser/wasm-rnn.js')).toEqual([]);
  });

  it('Vite build, no config: emits the .wasm, streams it, and runs the LSTM', async () => {
    const app = await makeApp('vite', { 'index.html': INDEX_HTML('./main.js'), 'main.js': main('wasm-rnn') });
    await viteBuild({ root: app, configFile: false, logLevel: 'silent' });
    const out = join(app, 'dist');
    const assets = await readdir(join(out, 'assets'));
    const wasmFiles = assets.filter((f) => f.endsWith('.wasm'));
    const jsFiles = assets.filter((f) => f.endsWith('.js'));
    // Both builds are emitted; the page downloads only the one it picks.
    expect(wasmFiles).toHaveLength(2);
    await expectNoNodeBuiltins(join(out, 'assets'), jsFiles);

    const { report, requests } = await serveAndOpen(out);
    expectRightNumbers(report, 'Vite build', { namesKept: false });
    const fetched = wasmFiles.filter((f) => requests.includes(`200 /assets/${f} application/wasm`));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatch(/^wasm-rnn\.relaxed-/);

    // What a browser downloads for the package: the app's JS (almost all of it wasm-rnn) and the .wasm.
    // The model-file readers (loadModel, saveModel of the core entry) are a lazy chunk the page
    // fetches only when it calls them, which this app does not.
    const gz = async (file: string) => gzipSync(await readFile(join(out, 'assets', file)), { level: 9 }).length;
    const fetchedJs = jsFiles.filter((f) => requests.some((r) => r.startsWith(`200 /assets/${f} `)));
    const lazyJs = jsFiles.filter((f) => !fetchedJs.includes(f));
    expect(fetchedJs.length).toBeGreaterThan(0);
    expect(lazyJs.length, 'the file readers are split into a chunk loaded on demand').toBeGreaterThan(0);
    const js = (await Promise.all(fetchedJs.map(gz))).reduce((a, b) => a + b, 0);
    const lazy = (await Promise.all(lazyJs.map(gz))).reduce((a, b) => a + b, 0);
    const wasm = await gz(fetched[0]);
    console.log(`[bundlers] Vite app gzip -9: JS ${js} B + wasm ${wasm} B = ${js + wasm} B (${((js + wasm) / 1024).toFixed(1)} KiB); not fetched: ${lazy} B of lazy model-file chunks`);
    expect(js + wasm, 'gzipped JS + wasm over the budget above').toBeLessThan(GZIP_BUDGET);
  }, 60_000);

  it('Vite build of an app that uses only LSTM: tree-shaken, and still right', async () => {
    const app = await makeApp('vite-lstm', {
      'index.html': INDEX_HTML('./main.js'),
      'main.js': [
        "import { ready, tensor, LSTM } from 'wasm-rnn';",
        `const SEED_INPUT = ${JSON.stringify(SEED_INPUT)};`,
        'await ready();',
        'const out = new LSTM({ units: 4, returnSequences: true, seed: 7 }).apply(tensor(SEED_INPUT));',
        'window.report = { small: { shape: [...out.shape], data: Array.from(out.data) } };',
        "document.title = 'done';",
      ].join('\n'),
    });
    await viteBuild({ root: app, configFile: false, logLevel: 'silent' });
    const assets = join(app, 'dist', 'assets');
    const files = await readdir(assets);
    const gz = async (file: string) => gzipSync(await readFile(join(assets, file)), { level: 9 }).length;
    const js = (await Promise.all(files.filter((f) => f.endsWith('.js')).map(gz))).reduce((a, b) => a + b, 0);
    const wasm = Math.max(...(await Promise.all(files.filter((f) => f.endsWith('.wasm')).map(gz))));
    console.log(`[bundlers] Vite app using only LSTM, gzip -9: JS ${js} B + wasm ${wasm} B = ${js + wasm} B (${((js + wasm) / 1024).toFixed(1)} KiB)`);
    const { report } = await serveAndOpen<{ small: PlainTensor }>(join(app, 'dist'));
    expect(report.small).toEqual(runSmallLstm(api));
  }, 60_000);

  it('Vite build: loadModel and saveModel of the core entry load the model-file chunk on their first call', async () => {
    const app = await makeApp('vite-load', {
      'index.html': INDEX_HTML('./main.js'),
      'main.js': [
        "import { ready, tensor, Sequential, LSTM, Dense, loadModel, saveModel } from 'wasm-rnn';",
        'await ready();',
        'const model = new Sequential([new LSTM(3, { inputShape: [4, 2], seed: 1 }), new Dense(1, { seed: 2 })]);',
        'const x = tensor([[[1, 2], [3, 4], [5, 6], [7, 8]]]);',
        'const bytes = await saveModel(model, { format: "keras" });',
        'const loaded = await loadModel(bytes);',
        'window.report = { expected: Array.from(model.predict(x).data), loaded: Array.from(loaded.predict(x).data), zip: bytes[0] === 0x50 && bytes[1] === 0x4b };',
        "document.title = 'done';",
      ].join('\n'),
    });
    await viteBuild({ root: app, configFile: false, logLevel: 'silent' });
    const { report } = await serveAndOpen<{ expected: number[]; loaded: number[]; zip: boolean }>(join(app, 'dist'));
    expect(report.zip).toBe(true);
    expect(report.loaded).toEqual(report.expected);
  }, 60_000);

  it('Vite dev server, no config: finds the .wasm despite dependency pre-bundling', async () => {
    const app = await makeApp('vite-dev', { 'index.html': INDEX_HTML('./main.js'), 'main.js': main('wasm-rnn') });
    const server = await viteServer({ root: app, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', strictPort: false } });
    try {
      await server.listen();
      const requests: string[] = [];
      const report = await openApp<AppReport>(server.resolvedUrls!.local[0], requests);
      expectRightNumbers(report, 'Vite dev server');
      expect(requests.some((r) => r.includes('/node_modules/.vite/deps/'))).toBe(true); // it was pre-bundled
      expect(requests).toContain('200 /node_modules/wasm-rnn/dist/wasm-rnn.relaxed.wasm application/wasm');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('esbuild bundle: the .wasm emitted by the file loader and handed to ready()', async () => {
    const app = await makeApp('esbuild', {
      'main.js': main('wasm-rnn', "import wasmUrl from 'wasm-rnn/wasm-rnn.wasm';", '{ wasm: wasmUrl }'),
    });
    const out = join(app, 'out');
    await esbuild({
      absWorkingDir: app,
      entryPoints: ['main.js'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      loader: { '.wasm': 'file' },
      outdir: out,
      logLevel: 'silent',
    });
    await writeFile(join(out, 'index.html'), INDEX_HTML('./main.js'));
    const files = await readdir(out);
    const wasmFiles = files.filter((f) => f.endsWith('.wasm'));
    expect(wasmFiles).toHaveLength(1);
    await expectNoNodeBuiltins(out, files.filter((f) => f.endsWith('.js')));

    const { report, requests } = await serveAndOpen(out);
    expectRightNumbers(report, 'esbuild bundle', { namesKept: false });
    expect(requests).toContain(`200 /${wasmFiles[0]} application/wasm`);
  }, 60_000);

  it('no bundler: a plain <script type="module"> importing dist/browser/wasm-rnn.min.js', async () => {
    const app = await makeApp('plain', {
      'index.html': INDEX_HTML('./main.js'),
      'main.js': main('./node_modules/wasm-rnn/dist/browser/wasm-rnn.min.js'),
    });
    const { report, requests } = await serveAndOpen(app);
    expectRightNumbers(report, 'plain script');
    expect(requests).toContain('200 /node_modules/wasm-rnn/dist/wasm-rnn.relaxed.wasm application/wasm');
  }, 60_000);
});

/** The seed golden numbers (fixture and notebook) and, exactly, what Node computes. */
/**
 * `namesKept`: false where the app's own minifier ran over the package, which renames classes, so
 * `error.name` (src/errors.ts sets it from `new.target.name`) is only reported, not required.
 */
function expectRightNumbers(report: AppReport, app: string, { namesKept = true } = {}): void {
  expect(report.missing.isRuntimeError).toBe(true);
  if (namesKept) expect(report.missing.name).toBe('RuntimeError');
  else if (report.missing.name !== 'RuntimeError') {
    console.warn(`[bundlers] ${app}: the app's minifier renamed the error classes: error.name is "${report.missing.name}", not "RuntimeError" (instanceof still works)`);
  }
  // A 404 from static servers; Vite's dev server answers unknown paths with its index.html.
  expect(report.missing.message).toMatch(/no-such-file\.wasm (answered 404|is not a WebAssembly module \(content-type text\/html)/);
  for (const [key, name] of [['last', 'bidirectional_lstm_seed_golden_last'], ['seq', 'bidirectional_lstm_seed_golden_seq']] as const) {
    const fixture = loadFixture(name);
    expect(report.seed[key].map((o) => o.shape)).toEqual(fixture.expected.map((e) => e.shape));
    fixture.expected.forEach((e, i) => expect(maxViolation(report.seed[key][i].data, e.data, fixture.tolerance).worst).toBeLessThanOrEqual(1));
  }
  const first = report.seed.last[0].data;
  // The notebook's printout: forward h 0.6303139 x3, backward h 0.7038734 x3.
  expect(first.map((v, i) => Math.abs(v - (i < 3 ? 0.63031393 : 0.7038734)) < 1e-6)).toEqual([true, true, true, true, true, true]);
  // The esbuild app hands over dist/wasm-rnn.wasm, the plain build; the others take the default, as Node does here.
  const sameBuild = report.variant === api.kernelVariant();
  const node = runSeedExamples(api);
  expect(sameBuildOrClose([...report.seed.last, ...report.seed.seq], [...node.last, ...node.seq], sameBuild)).toBeUndefined();
  expect(sameBuildOrClose([report.small], [runSmallLstm(api)], sameBuild)).toBeUndefined();
}

/** A browser bundle must not import Node built-ins: no `node:` specifier a bundler or browser would resolve, no require. */
async function expectNoNodeBuiltins(dir: string, jsFiles: string[]): Promise<void> {
  expect(jsFiles.length).toBeGreaterThan(0);
  for (const file of jsFiles) {
    const code = await readFile(join(dir, file), 'utf8');
    expect(code, file).not.toMatch(/["'`]node:[a-z]|\brequire\(/);
  }
}
