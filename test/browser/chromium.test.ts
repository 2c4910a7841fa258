// The package in real headless Chromium: every shared Keras fixture and the seed examples run in a
// page, through each build a browser can get (the self-contained bundle behind the `browser`
// export condition, its minified twin for plain script tags, and the unbundled dist/index.js), and
// must pass each fixture's tolerance and equal, bit for bit, what the same code computes in Node.
// Also: every kind of `ready({ wasm })` source, streaming compilation, and the errors for a
// missing module or missing SIMD.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as api from '../../dist/index.js';
import { fixturesDir, loadFixture, maxViolation, type Fixture } from '../fixtures.js';
import { runActivations, runFixture, runSeedExamples, runSeededInitializers, runSmallLstm, runTraining, type PlainTensor, type TrainingRun } from './cases.js';
import { describeWithChromium, launchChromium, readyAsChromium, sameBuildOrClose, type Chromium } from './chromium.js';
import { send, startStaticServer, type StaticServer } from './static-server.js';
import type { Build, FixtureResult, SourceKind } from './page/harness.js';

const repo = new URL('../../', import.meta.url);
const fixtureNames = readdirSync(fixturesDir()).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

/** Each fixture read, and run in Node, once for all the builds compared with it. */
const inNode = new Map<string, { fixture: Fixture; outputs: PlainTensor[] }>();
function nodeResult(name: string): { fixture: Fixture; outputs: PlainTensor[] } {
  let result = inNode.get(name);
  if (!result) {
    const fixture = loadFixture(name);
    result = { fixture, outputs: runFixture(api, fixture) };
    inNode.set(name, result);
  }
  return result;
}

describeWithChromium('wasm-rnn in headless Chromium', () => {
  let server: StaticServer;
  let browser: Chromium;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await readyAsChromium(api);
    const wasmBytes = await readFile(new URL('dist/wasm-rnn.wasm', repo));
    server = await startStaticServer(
      [
        { prefix: '/dist/', dir: new URL('dist/', repo) },
        { prefix: '/fixtures/', dir: fixturesDir() },
        { prefix: '/harness/', dir: new URL('./', import.meta.url), typescript: true },
      ],
      [
        // The module behind a content type that rules out streaming compilation.
        (request, response) => {
          if (!request.url?.startsWith('/wrong-mime/')) return false;
          send(response, 200, wasmBytes, 'application/octet-stream');
          return true;
        },
      ],
    );
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await browser.newPage());
    await page.goto(`${server.origin}/harness/page/index.html`);
    await page.waitForFunction(() => document.title === 'harness ready', undefined, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const call = <T>(expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

  const buildNames: Record<Build, string> = {
    bundle: 'dist/browser/wasm-rnn.js (unminified bundle)',
    min: 'dist/browser/wasm-rnn.min.js (plain script)',
    esm: 'dist/index.js (import condition)',
  };
  for (const build of ['bundle', 'min', 'esm'] as const satisfies readonly Build[]) {
    describe(buildNames[build], () => {
      let results: Record<string, FixtureResult>;

      beforeAll(async () => {
        results = await call(`harness.runFixtures(${JSON.stringify(build)}, ${JSON.stringify(fixtureNames)})`);
      }, 60_000);

      it('took the relaxed-SIMD build by default, as Node does here', async () => {
        expect(await call(`harness.defaultVariant(${JSON.stringify(build)})`)).toBe('relaxed-simd');
        expect(api.kernelVariant()).toBe('relaxed-simd');
      });

      it('ran every shared fixture in the page', () => {
        expect(fixtureNames.length).toBeGreaterThan(50);
        expect(Object.keys(results).sort()).toEqual(fixtureNames);
      });

      for (const name of fixtureNames) {
        it(name, () => {
          const result = results[name];
          if ('error' in result) throw new Error(`in Chromium: ${result.error}`);
          const { fixture, outputs: nodeOutputs } = nodeResult(name);
          expect(result.outputs.map((o) => o.shape)).toEqual(fixture.expected.map((e) => e.shape));
          fixture.expected.forEach((expected, i) => {
            const { worst, index } = maxViolation(result.outputs[i].data, expected.data, fixture.tolerance);
            expect(worst, `output ${i} element ${index}: Chromium ${result.outputs[i].data[index]}, Keras ${expected.data[index]}`).toBeLessThanOrEqual(1);
          });
          expectSameAsNode(result.outputs, nodeOutputs);
        });
      }

      it('computes the seed golden Bidirectional LSTM', async () => {
        const inPage = await call<Record<'last' | 'seq', PlainTensor[]>>(`harness.runSeed(${JSON.stringify(build)})`);
        const inNode = runSeedExamples(api);
        for (const [key, fixtureName] of [['last', 'bidirectional_lstm_seed_golden_last'], ['seq', 'bidirectional_lstm_seed_golden_seq']] as const) {
          const fixture = loadFixture(fixtureName);
          expect(inPage[key].map((o) => o.shape)).toEqual(fixture.expected.map((e) => e.shape));
          fixture.expected.forEach((e, i) => expect(maxViolation(inPage[key][i].data, e.data, fixture.tolerance).worst).toBeLessThanOrEqual(1));
          expectSameAsNode(inPage[key], inNode[key]);
        }
        // The notebook's printout: forward h 0.6303139 x3, backward h 0.7038734 x3.
        expect(inPage.last[0].data.slice(0, 3).every((v) => Math.abs(v - 0.63031393) < 1e-6)).toBe(true);
        expect(inPage.last[0].data.slice(3).every((v) => Math.abs(v - 0.7038734) < 1e-6)).toBe(true);
      });

      it('computes every Keras activation and a streamed softmax classifier as Node does, bit for bit', async () => {
        const inPage = await call<PlainTensor[]>(`harness.activations(${JSON.stringify(build)})`);
        expect(inPage).toHaveLength(api.KERAS_ACTIVATION_NAMES.length + 1);
        expectSameAsNode(inPage, runActivations(api));
      });

      it('draws the seeded normal and orthogonal initializers bit for bit as Node', async () => {
        // Both use no Math.log/cos/sin, whose last bits differ between Node 20 and this Chromium.
        const inPage = await call<Record<string, number[]>>(`harness.seededInitializers(${JSON.stringify(build)})`);
        expect(inPage).toEqual(runSeededInitializers(api));
      });

      it('trains a small model (fit with dropout and shuffle, predict, evaluate) to the same weights and predictions as Node, bit for bit', async () => {
        const inPage = await call<TrainingRun>(`harness.train(${JSON.stringify(build)})`);
        const inNode = await runTraining(api);
        expect(inPage.iterations).toBe(9);
        expect(inPage.loss).toHaveLength(3);
        expect(inPage.loss[2], 'the loss goes down').toBeLessThan(inPage.loss[0]);
        // The reported losses are float64 sums of Math.log terms, and ECMAScript leaves Math.log's
        // last bit to the engine (Node 20's V8 and this Chromium's differ on about 7% of
        // arguments): they agree to a few ulp. Weights, predictions and accuracy, bit for bit.
        const { loss, batchLosses, evaluated, ...exact } = inPage;
        const { loss: nodeLoss, batchLosses: nodeBatchLosses, evaluated: nodeEvaluated, ...nodeExact } = inNode;
        expect(exact).toEqual(nodeExact);
        const closeTo = (got: number[], expected: number[]) => {
          expect(got).toHaveLength(expected.length);
          got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(expected[i])));
        };
        closeTo(loss, nodeLoss);
        closeTo(batchLosses, nodeBatchLosses);
        expect(Object.keys(evaluated).sort()).toEqual(Object.keys(nodeEvaluated).sort());
        closeTo(Object.keys(nodeEvaluated).sort().map((k) => evaluated[k]), Object.keys(nodeEvaluated).sort().map((k) => nodeEvaluated[k]));
      });
    });
  }

  describe('ready({ wasm }) sources', () => {
    const expectedOutput = () => runSmallLstm(api);
    const streamedKinds: SourceKind[] = ['default', 'url', 'string', 'response', 'promise'];
    const bufferedKinds: SourceKind[] = ['arraybuffer', 'typedarray', 'module', 'wrong-mime'];

    for (const kind of [...streamedKinds, ...bufferedKinds]) {
      it(`loads from ${kind}${streamedKinds.includes(kind) ? ' with streaming compilation' : ''}`, async () => {
        const result = await call<{ streamed: number; output: PlainTensor; memoryBytes: number; variant: string }>(`harness.loadFrom(${JSON.stringify(kind)})`);
        expect(result.streamed).toBe(streamedKinds.includes(kind) ? 1 : 0);
        expect(result.memoryBytes).toBeGreaterThan(0);
        // 'default' picks the relaxed build like Node here; the others hand over dist/wasm-rnn.wasm, the plain build.
        expect(result.variant).toBe(kind === 'default' ? 'relaxed-simd' : 'simd');
        expect(sameBuildOrClose([result.output], [expectedOutput()], result.variant === api.kernelVariant())).toBeUndefined();
      });
    }

    it('fetched the default module from the .wasm beside the package, as application/wasm', () => {
      const wasmRequests = server.log.filter((r) => r.path.endsWith('.wasm') && !r.path.startsWith('/wrong-mime/'));
      expect(wasmRequests.length).toBeGreaterThan(0);
      for (const r of wasmRequests) {
        expect(['/dist/wasm-rnn.wasm', '/dist/wasm-rnn.relaxed.wasm']).toContain(r.path);
        expect([r.status, r.type]).toEqual([200, 'application/wasm']);
      }
    });

    for (const build of ['bundle', 'min'] as const) {
      it(`names the URL and the status when the module is not there (${build})`, async () => {
        const error = await call<string>(`harness.readyError('/nowhere/wasm-rnn.wasm', '${build}')`);
        expect(error).toMatch(/^RuntimeError: .*\/nowhere\/wasm-rnn\.wasm answered 404/);
      });
    }

    it('fails with a RuntimeError that says WebAssembly SIMD is missing', async () => {
      const error = await call<{ name: string; message: string; isRuntimeError: boolean }>('harness.readyWithoutSimd()');
      expect(error.isRuntimeError).toBe(true);
      expect(error.name).toBe('RuntimeError');
      expect(error.message).toMatch(/no WebAssembly SIMD/);
    });
  });

  it('logged no errors in the page', () => {
    // The deliberate 404 above shows up as a failed resource load; everything else must be clean.
    expect(pageErrors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});

/** Chromium and Node run the same WebAssembly, so the numbers must be identical, not just close. */
function expectSameAsNode(inPage: PlainTensor[], inNode: PlainTensor[]): void {
  expect(inPage.map((o) => o.shape)).toEqual(inNode.map((o) => o.shape));
  inPage.forEach((o, i) => {
    const first = o.data.findIndex((v, j) => !Object.is(v, inNode[i].data[j]));
    expect(first, `output ${i} element ${first}: Chromium ${o.data[first]}, Node ${inNode[i].data[first]}`).toBe(-1);
  });
}
