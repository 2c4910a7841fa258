// `npm run demo:web`: serves the demo page on localhost and prints its URL.
//   node dist/web-demo/serve.js [--port N]    (PORT also works; 0 picks a free port)
// `/` is src/web-demo/index.html; `/dist/…` is the built package (the page loads
// dist/web-demo/app.js, which loads dist/browser/wasm-rnn.min.js, which fetches dist/wasm-rnn.wasm).
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';

const DIST = fileURLToPath(new URL('../', import.meta.url));
const PAGE = fileURLToPath(new URL('../../src/web-demo/index.html', import.meta.url));
const DEFAULT_PORT = 5180;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', // needed for streaming compilation
  '.map': 'application/json; charset=utf-8',
};

/** Starts the demo server on 127.0.0.1; port 0 picks a free one. */
export async function startDemoServer(port = DEFAULT_PORT): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (path === '/' || path === '/index.html') return reply(200, await readFile(PAGE), TYPES['.html']);
      if (path === '/favicon.ico') return reply(204, '');
      if (!path.startsWith('/dist/')) return reply(404, `not found: ${path}`);
      const file = resolve(DIST, path.slice('/dist/'.length));
      if (!file.startsWith(DIST.endsWith(sep) ? DIST : DIST + sep)) return reply(403, 'outside dist/');
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return reply(404, `not found: ${path} (run npm run build first)`);
      reply(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    })().catch((error: unknown) => reply(500, String(error)));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}/`, server };
}

function portFromArgs(): number {
  const flag = process.argv.indexOf('--port');
  const raw = flag >= 0 ? process.argv[flag + 1] : process.env.PORT;
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0..65535, got ${raw}`);
  return port;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = portFromArgs();
  const { url } = await startDemoServer(port).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    console.log(`port ${port} is taken; using a free one`);
    return startDemoServer(0);
  });
  console.log(`wasm-rnn demo: ${url}`);
  console.log('(Ctrl+C stops it)');
}
