// A tiny static HTTP server for the browser tests: folders mounted at URL prefixes on
// 127.0.0.1 and a random port, with the content types browsers insist on (application/wasm
// for streaming compilation, text/javascript for modules). `.ts` files in a mount marked
// `typescript` are served as JavaScript, transpiled by esbuild, so page code stays typed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { transform } from 'esbuild';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Mount {
  /** URL prefix, starting and ending with '/'. */
  prefix: string;
  /** The folder served under it. */
  dir: URL | string;
  /** Serve `name.js` from `name.ts` when only the TypeScript file exists. */
  typescript?: boolean;
}

/** Handles a request itself (returns true) or leaves it to the mounts (returns false). */
export type Route = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Every path requested so far, in order, with the status it got. */
  readonly log: { path: string; status: number; type: string }[];
  close(): Promise<void>;
}

export async function startStaticServer(mounts: Mount[], routes: Route[] = []): Promise<StaticServer> {
  const roots = mounts.map((m) => ({ ...m, root: resolve(typeof m.dir === 'string' ? m.dir : fileURLToPath(m.dir)) }));
  const log: StaticServer['log'] = [];

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    response.on('finish', () => log.push({ path, status: response.statusCode, type: String(response.getHeader('content-type') ?? '') }));
    void handle(request, response, path).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    for (const route of routes) if (await route(request, response)) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');
    const mount = roots.find((m) => path.startsWith(m.prefix));
    if (!mount) return send(response, 404, `no mount for ${path}`);
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(mount.prefix.length));
    } catch {
      return send(response, 400, 'bad path');
    }
    let file = resolve(join(mount.root, relative.endsWith('/') || relative === '' ? join(relative, 'index.html') : relative));
    if (file !== mount.root && !file.startsWith(mount.root + sep)) return send(response, 403, 'outside the mount');

    if (mount.typescript && file.endsWith('.js') && !(await isFile(file)) && (await isFile(file.slice(0, -3) + '.ts'))) {
      file = file.slice(0, -3) + '.ts';
      const source = await readFile(file, 'utf8');
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: file });
      return send(response, 200, code, CONTENT_TYPES['.js']);
    }
    if (!(await isFile(file))) return send(response, 404, `not found: ${path}`);
    const body = await readFile(file);
    send(response, 200, body, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export function send(response: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void {
  response.statusCode = status;
  response.setHeader('content-type', type);
  response.setHeader('cache-control', 'no-store');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
