// Issue 12 item 1: a TF.js model.json names its shards, and those names come from
// the file. They must lead inside the model's own folder (on disk) or to its
// origin (http), judged after URL decoding and normalisation; anything else is a
// ModelFileError that says nothing about the file it would have read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, ready } from '../../dist/io/keras.js';
import { gruTfjs, type TfjsArtifacts } from './tfjs-artifacts.js';

const root = mkdtempSync(join(tmpdir(), 'wasm-rnn-shards-'));
/** The model's folder is root/models/gru; files elsewhere must stay unread. */
const folder = join(root, 'models', 'gru');
/** A distinctive size, so a message that leaks it is caught. */
const SECRET_SIZE = 777_777;
let artifacts: TfjsArtifacts;

beforeAll(async () => {
  await ready();
  artifacts = await gruTfjs();
  mkdirSync(join(folder, 'sub'), { recursive: true });
  // Outside the folder: the real weights (so reading them would load a working model) and an odd-sized file.
  writeFileSync(join(root, 'secret.bin'), artifacts.bytes);
  writeFileSync(join(root, 'models', 'secret.bin'), artifacts.bytes);
  writeFileSync(join(root, 'odd.bin'), new Uint8Array(SECRET_SIZE));
  writeFileSync(join(folder, 'sub', 'weights.bin'), artifacts.bytes);
  writeFileSync(join(folder, 'weights.bin'), artifacts.bytes);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeModel(name: string, paths: string[]): string {
  const json = { ...artifacts.modelJson, weightsManifest: [{ ...artifacts.modelJson.weightsManifest[0], paths }] };
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

async function refused(source: string | URL, paths: readonly string[]): Promise<ModelFileError> {
  const error = await loadModel(source).catch((e: unknown) => e);
  if (!(error instanceof ModelFileError)) throw new Error(`${JSON.stringify(paths)} from ${String(source)}: expected ModelFileError, got ${String(error)}`);
  expect(error.message).not.toContain(String(SECRET_SIZE));
  expect(error.message).not.toContain(String(artifacts.bytes.length));
  return error;
}

const climbing = [
  '%2e%2e/%2e%2e/secret.bin',
  '%2E%2E/secret.bin',
  '.%2e/.%2e/secret.bin',
  '%2e%2e%2f%2e%2e%2fsecret.bin',
  '..%2fsecret.bin',
  '..\\..\\secret.bin',
  '%2e%2e%5c%2e%2e%5csecret.bin',
  'sub/../../secret.bin',
  'sub/%2e%2e/%2e%2e/secret.bin',
  '../secret.bin',
  '/secret.bin',
  '//localhost/secret.bin',
  '%2e%2e/%2e%2e/odd.bin',
];

describe('shard paths of a model.json on disk', () => {
  it('climbing out of the folder, in any spelling, is refused from a path, a file: URL and a file:// string', async () => {
    for (const [i, path] of climbing.entries()) {
      const file = writeModel(`climb-${i}.json`, [path]);
      const url = pathToFileURL(file);
      for (const source of [file, url, url.href]) await refused(source, [path]);
    }
  });

  it('absolute paths and URLs are refused', async () => {
    const absolute = [join(root, 'secret.bin'), pathToFileURL(join(root, 'secret.bin')).href, `file://${join(root, 'secret.bin')}`, 'http://127.0.0.1:9/weights.bin'];
    for (const [i, path] of absolute.entries()) await refused(writeModel(`absolute-${i}.json`, [path]), [path]);
  });

  it('an error about a file outside the folder does not give its size', async () => {
    const error = await refused(writeModel('odd.json', ['%2e%2e/%2e%2e/odd.bin']), ['%2e%2e/%2e%2e/odd.bin']);
    expect(error.message).toMatch(/outside the model's folder/);
  });

  it('shards inside the folder load, including from a subfolder and with dot segments that stay inside', async () => {
    for (const [i, path] of ['weights.bin', './weights.bin', 'sub/weights.bin', 'sub/../weights.bin', 'sub/%2e%2e/weights.bin', '%77eights.bin'].entries()) {
      const file = writeModel(`inside-${i}.json`, [path]);
      for (const source of [file, pathToFileURL(file)]) {
        const model = await loadModel(source);
        expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(artifacts.weights.map((w) => Array.from(w.data)));
      }
    }
  });
});

describe('shard paths of a model.json served over http', () => {
  let home: Server;
  let other: Server;
  let homeOrigin: string;
  let otherOrigin: string;
  const served: string[] = [];

  function serve(label: string, files: () => Record<string, Uint8Array | string>): Promise<[Server, string]> {
    const server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      served.push(`${label}${path}`);
      const body = files()[path];
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200).end(body);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve([server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`])));
  }

  const modelFor = (paths: string[]) => JSON.stringify({ ...artifacts.modelJson, weightsManifest: [{ ...artifacts.modelJson.weightsManifest[0], paths }] });
  let manifests: Record<string, string> = {};

  beforeAll(async () => {
    [home, homeOrigin] = await serve('home', () => ({ ...manifests, '/models/weights.bin': artifacts.bytes, '/secret.bin': artifacts.bytes }));
    [other, otherOrigin] = await serve('other', () => ({ '/weights.bin': artifacts.bytes }));
  });

  afterAll(async () => {
    for (const server of [home, other]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('another origin is refused unless allowCrossOrigin is true, whichever way it is written', async () => {
    const otherPort = new URL(otherOrigin).port;
    const names = [`${otherOrigin}/weights.bin`, `//127.0.0.1:${otherPort}/weights.bin`, `\\\\127.0.0.1:${otherPort}\\weights.bin`, `https://127.0.0.1:${new URL(homeOrigin).port}/models/weights.bin`];
    for (const [i, name] of names.entries()) {
      manifests = { [`/models/cross-${i}.json`]: modelFor([name]) };
      served.length = 0;
      const error = await loadModel(`${homeOrigin}/models/cross-${i}.json`).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).message).toMatch(/allowCrossOrigin/);
      expect(served.some((s) => s.startsWith('other'))).toBe(false);
    }
    manifests = { '/models/cross.json': modelFor([`${otherOrigin}/weights.bin`]) };
    const model = await loadModel(`${homeOrigin}/models/cross.json`, { allowCrossOrigin: true });
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(artifacts.weights.map((w) => Array.from(w.data)));
  });

  it('the same origin loads, and dot segments are resolved before the request', async () => {
    manifests = { '/models/same.json': modelFor(['%2e%2e/models/weights.bin']) };
    served.length = 0;
    const model = await loadModel(new URL(`${homeOrigin}/models/same.json`));
    expect(model.getWeights().length).toBe(artifacts.weights.length);
    expect(served).toEqual(['home/models/same.json', 'home/models/weights.bin']);
  });
});
