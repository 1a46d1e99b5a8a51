import { defaultClientConditions, defineConfig } from 'vite'

/**
 * The lab is a static site: `vite build` writes `dist/` with relative URLs (servable from any path), the training
 * worker as its own ES module chunk, and tfjs-backend-wasm's `.wasm` binaries as hashed assets (`src/backends/wasm.ts`).
 * Workspace packages are read from their TypeScript sources (`@cl/source`), the same code the CLI runs.
 */
export default defineConfig({
  base: './',
  // one tfjs engine for the page and the worker bundles, whichever package imports it (two copies break kernels)
  resolve: { conditions: ['@cl/source', ...defaultClientConditions], dedupe: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'] },
  worker: { format: 'es' },
  // the worker imports these lazily: pre-bundle them at dev start, not with a page reload mid-run
  optimizeDeps: { include: ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
})
