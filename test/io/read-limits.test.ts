// Issue 12 item 5: loadModel(source, { signal, timeoutMs, maxBytes }). A server that
// never answers, trickles, or sends an endless body ends in a ModelFileError (or the
// AbortError of the caller's signal), within the limits, with the connection closed.
// The server is local (127.0.0.1), counts what it sends, and is closed after the tests.
import { execFileSync } from 'node:child_process';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ModelFileError, loadModel, ready } from '../../dist/io/keras.js';
import { modelBytes, modelPath } from './helpers.js';
import { gruH5, gruTfjs } from './tfjs-artifacts.js';

let server: Server;
let origin: string;
const open = new Set<ServerResponse>();
const timers = new Set<ReturnType<typeof setInterval>>();
let endlessBytesSent = 0;
const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-limits-'));

/** Stops writing when the client goes away (or at the latest when the tests end). */
function drip(response: ServerResponse, every: number, chunk: Uint8Array, count?: (n: number) => void) {
  const timer = setInterval(() => {
    if (response.destroyed || response.writableEnded) return clearInterval(timer);
    response.write(chunk);
    count?.(chunk.length);
  }, every);
  timers.add(timer);
  response.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  await ready();
  const { modelJson, bytes } = await gruTfjs();
  const h5 = modelBytes(gruH5);
  server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/hang') return; // headers never come
    if (path === '/trickle') {
      response.writeHead(200, { 'content-length': String(h5.length) });
      return drip(response, 1000, h5.subarray(0, 1));
    }
    if (path === '/endless') {
      response.writeHead(200);
      return drip(response, 1, new Uint8Array(256 * 1024), (n) => (endlessBytesSent += n));
    }
    if (path === '/big') return response.writeHead(200, { 'content-length': String(5 * 1024 ** 3) }).end();
    if (path === '/gru.h5') return response.writeHead(200).end(h5);
    if (path === '/tfjs/model.json') return response.writeHead(200).end(JSON.stringify({ ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['hang-shard.bin'] }] }));
    if (path === '/tfjs/hang-shard.bin') return;
    if (path === '/tfjs/big.json') return response.writeHead(200).end(JSON.stringify(modelJson));
    if (path === '/tfjs/weights.bin') return response.writeHead(200).end(bytes);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('loadModel resolved'); }, (error: unknown) => error);
}

/** Until the server has seen the client go away: the limit released the connection. */
async function connectionsClosed(): Promise<void> {
  for (let i = 0; i < 100 && open.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(open.size).toBe(0);
}

describe('URL sources under timeoutMs, maxBytes and signal', () => {
  it('a server that never answers: ModelFileError after timeoutMs', async () => {
    const started = performance.now();
    const error = await rejection(loadModel(`${origin}/hang`, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/300 ms.*timeoutMs/);
    expect(performance.now() - started).toBeLessThan(3000);
    await connectionsClosed();
  });

  it('one byte a second: ModelFileError after timeoutMs', async () => {
    const error = await rejection(loadModel(`${origin}/trickle`, { timeoutMs: 700 }));
    expect(error).toBeInstanceOf(ModelFileError);
    await connectionsClosed();
  });

  it('a shard that never comes: the deadline covers the shards too', async () => {
    const error = await rejection(loadModel(`${origin}/tfjs/model.json`, { timeoutMs: 400 }));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/timeoutMs/);
    await connectionsClosed();
  });

  it('an endless body: ModelFileError at maxBytes, and the server stops sending', async () => {
    endlessBytesSent = 0;
    const error = await rejection(loadModel(`${origin}/endless`, { maxBytes: 4 * 1024 * 1024 }));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/4194304 bytes.*maxBytes/);
    await connectionsClosed();
    const sent = endlessBytesSent;
    await new Promise((r) => setTimeout(r, 50));
    expect(endlessBytesSent).toBe(sent);
  });

  it('a Content-Length past maxBytes (default 2 GiB) is refused before the body is read', async () => {
    const error = await rejection(loadModel(`${origin}/big`));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/2147483648 bytes/);
  });

  it('maxBytes counts the shards: model.json fits, model.json + shard does not', async () => {
    const model = await loadModel(`${origin}/tfjs/big.json`);
    expect(model.layers.length).toBeGreaterThan(0);
    const error = await rejection(loadModel(`${origin}/tfjs/big.json`, { maxBytes: 20_000 }));
    expect(error).toBeInstanceOf(ModelFileError);
  });

  it("the caller's signal: rejects with its AbortError, before or during the read", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const during = await rejection(loadModel(`${origin}/hang`, { signal: controller.signal }));
    expect((during as Error).name).toBe('AbortError');
    expect(during).toBe(controller.signal.reason);
    await connectionsClosed();
    const before = await rejection(loadModel(`${origin}/gru.h5`, { signal: AbortSignal.abort() }));
    expect((before as Error).name).toBe('AbortError');
    const reason = new Error('mine');
    const custom = new AbortController();
    custom.abort(reason);
    expect(await rejection(loadModel(modelBytes(gruH5), { signal: custom.signal }))).toBe(reason);
  });

  it('within the limits the same URL loads', async () => {
    const model = await loadModel(`${origin}/gru.h5`, { timeoutMs: 10_000, maxBytes: 10_000_000, signal: new AbortController().signal });
    expect(model.countParams()).toBe(gruH5.summary.total_params);
  });
});

describe('files and bytes under maxBytes', () => {
  it('a file, bytes, a Blob or a Response larger than maxBytes is a ModelFileError', async () => {
    const bytes = modelBytes(gruH5) as Uint8Array<ArrayBuffer>;
    for (const source of [modelPath(gruH5), bytes, new Blob([bytes]), new Response(bytes)]) {
      const error = await rejection(loadModel(source, { maxBytes: bytes.length - 1 }));
      expect(error).toBeInstanceOf(ModelFileError);
    }
    expect((await loadModel(modelPath(gruH5), { maxBytes: bytes.length })).countParams()).toBe(gruH5.summary.total_params);
  });

  it('a device, a folder or a pipe is not read', async () => {
    for (const path of ['/dev/zero', '/dev/urandom', dir]) {
      const error = await rejection(loadModel(path, { timeoutMs: 2000 }));
      expect(error, path).toBeInstanceOf(ModelFileError);
    }
  });

  it.skipIf(process.platform === 'win32')('a FIFO with no writer is refused at once, more times than libuv has file threads, and files still load after', async () => {
    const fifo = join(dir, 'pipe.keras');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const errors = await Promise.all(Array.from({ length: 6 }, () => rejection(loadModel(fifo, { timeoutMs: 5000 }))));
    for (const error of errors) {
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(/is not a regular file/);
    }
    // Refused on opening, not after waiting out the deadline for a writer.
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await loadModel(modelPath(gruH5), { timeoutMs: 5000 })).countParams()).toBe(gruH5.summary.total_params);
  });

  it('a .keras archive member counts what it inflates', async () => {
    const keras = join(dir, 'copy.keras');
    writeFileSync(keras, modelBytes({ folder: gruH5.folder, file: 'gru_model.keras' }));
    const error = await rejection(loadModel(keras, { maxBytes: 130_000 }));
    expect(error).toBeInstanceOf(ModelFileError);
  });
});

describe('loadModel options are checked', () => {
  const bytes = new Uint8Array(0);
  it('unknown keys are a ConfigError naming the camelCase option', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ max_bytes: 10 }, /unknown option 'max_bytes' \(did you mean 'maxBytes'\?/],
      [{ timeout_ms: 10 }, /did you mean 'timeoutMs'/],
      [{ allow_cross_origin: true }, /did you mean 'allowCrossOrigin'/],
      [{ keras_version: 2 }, /did you mean 'kerasVersion'/],
      [{ weight_files: {} }, /did you mean 'weightFiles'/],
      [{ timeout: 10 }, /unknown option 'timeout'/],
    ];
    for (const [options, message] of cases) {
      const error = await rejection(loadModel(bytes, options as never));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('wrong values are a ConfigError naming the option and the value', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ maxBytes: 0 }, /'maxBytes'.*received 0/],
      [{ maxBytes: -1 }, /'maxBytes'/],
      [{ maxBytes: 1.5 }, /'maxBytes'/],
      [{ maxBytes: '10' }, /'maxBytes'.*"10"/],
      [{ timeoutMs: 0 }, /'timeoutMs'/],
      [{ timeoutMs: Number.NaN }, /'timeoutMs'.*NaN/],
      [{ signal: {} }, /'signal' must be an AbortSignal/],
      [{ allowCrossOrigin: 'yes' }, /'allowCrossOrigin'/],
    ];
    for (const [options, message] of cases) {
      const error = await rejection(loadModel(bytes, options as never));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('a Response whose body was already read', () => {
  it('is a ModelFileError, not a TypeError', async () => {
    const response = new Response(modelBytes(gruH5) as Uint8Array<ArrayBuffer>);
    await response.arrayBuffer();
    expect(await rejection(loadModel(response))).toBeInstanceOf(ModelFileError);
  });
});
