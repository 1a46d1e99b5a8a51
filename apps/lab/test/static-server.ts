import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

/** Content types of what `vite build` writes; `.wasm` must be `application/wasm` for `WebAssembly.instantiateStreaming`. */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` — loopback counts as a secure context, so `navigator.gpu` is exposed there. */
  readonly url: string
  close(): Promise<void>
}

/**
 * Serve `root` (the lab's `dist/`) on an ephemeral loopback port, plus optional in-memory `pages` (path → HTML).
 * No COOP/COEP headers: the lab runs wasm single-threaded (as `cl-reproduce run --threads 1`), so it needs no
 * cross-origin isolation, and tfjs-backend-wasm then picks the same non-threaded SIMD binary as the CLI.
 */
export async function serveStatic(root: string, pages: Readonly<Record<string, string>> = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
      const page = pages[path]
      if (page !== undefined) {
        res.writeHead(200, { 'content-type': MIME['.html']!, 'cache-control': 'no-store' })
        res.end(page)
        return
      }
      const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
      if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) {
        res.writeHead(403).end('outside the served directory')
        return
      }
      const info = await stat(file).catch(() => undefined)
      if (info === undefined || !info.isFile()) {
        if (path === '/favicon.ico') return void res.writeHead(204).end() // browsers ask for it; a 404 clutters the console
        res.writeHead(404, { 'content-type': MIME['.txt']! }).end(`not found: ${path}`)
        return
      }
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': info.size, 'cache-control': 'no-store' })
      createReadStream(file).pipe(res)
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
