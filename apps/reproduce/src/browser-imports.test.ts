import { existsSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Metafile, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

// `@cl/reproduce/browser` is bundled by the browser lab (apps/lab): nothing it reaches may need Node or the CLI's
// native and terminal libraries. esbuild walks the real import graph (type-only imports elided as tsup and Vite elide
// them, workspace packages read from source through the `@cl/source` condition); every package outside the workspace
// stays external and is checked by name.

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const node = new Set(builtinModules)

/** Why a module may not be reached from the browser entry, or undefined when it may. */
function forbidden(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || node.has(specifier.split('/')[0]!)) return 'a Node built-in'
  if (specifier === '@resvg/resvg-js') return 'a native Node addon (figures: report/node-figures.ts)'
  if (specifier === '@cl/train/node') return "the file checkpoint store (the lab passes @cl/train's MemoryCheckpointStore)"
  if (specifier === '@cl/datasets' || specifier.startsWith('@cl/datasets/')) return 'image datasets read from disk'
  if (specifier === 'commander' || specifier === 'cli-progress') return 'a CLI-only terminal library'
  if (specifier.startsWith('@tensorflow/tfjs-node')) return 'the native TensorFlow binding'
  if (specifier === 'webgpu' || specifier === 'dejavu-fonts-ttf' || specifier === 'fashion-mnist') return 'a Node-only package'
  return undefined
}

/**
 * Dynamic imports of Node built-ins that never run in a browser: `@cl/core`'s `enableWasmThreads` loads node:fs, os and
 * path only after its Node check (`unsupportedReason`: "not Node" in browsers); Vite replaces them with an empty stub.
 */
const GUARDED_DYNAMIC = [{ importer: /packages\/core\/src\/wasm-threads\.ts$/, specifier: /^node:(fs|os|path)$/ }]

interface Edge {
  readonly importer: string
  readonly specifier: string
  readonly kind: string
}

/** Bundle `entry` for the browser, keeping every non-workspace package external; the graph as esbuild's metafile. */
async function importGraph(entry: string): Promise<Metafile> {
  const externalPackages: Plugin = {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined
        // Workspace packages are walked (read from source), except the forbidden ones, which are only recorded.
        if (args.path.startsWith('@cl/') && forbidden(args.path) === undefined) return undefined
        return { path: args.path, external: true }
      })
    },
  }
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: appDir,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@cl/source'],
    logLevel: 'silent',
    plugins: [externalPackages],
  })
  return result.metafile
}

/** Every import of a module outside the workspace, with the path (entry → … → importer) that reaches it. */
function externalEdges(meta: Metafile, entry: string): (Edge & { chain: string[] })[] {
  const parent = new Map<string, string>([[entry, '']])
  const queue = [entry]
  const edges: (Edge & { chain: string[] })[] = []
  const chainTo = (file: string): string[] => {
    const chain: string[] = []
    for (let f: string | undefined = file; f !== undefined && f !== ''; f = parent.get(f)) chain.unshift(f)
    return chain
  }
  while (queue.length > 0) {
    const file = queue.shift()!
    for (const imp of meta.inputs[file]?.imports ?? []) {
      if (imp.external === true) {
        edges.push({ importer: file, specifier: imp.path, kind: imp.kind, chain: chainTo(file) })
      } else if (!parent.has(imp.path)) {
        parent.set(imp.path, file)
        queue.push(imp.path)
      }
    }
  }
  return edges
}

function violations(meta: Metafile, entry: string): string[] {
  return externalEdges(meta, entry)
    .filter((e) => forbidden(e.specifier) !== undefined)
    .filter((e) => !(e.kind === 'dynamic-import' && GUARDED_DYNAMIC.some((g) => g.importer.test(e.importer) && g.specifier.test(e.specifier))))
    .map((e) => `${e.specifier} (${forbidden(e.specifier)}; ${e.kind}) via ${e.chain.join(' → ')}`)
}

describe('@cl/reproduce/browser imports nothing Node-only', () => {
  it('src/browser.ts reaches no Node built-in, resvg, file store, datasets, CLI library or tfjs-node', async () => {
    const meta = await importGraph('src/browser.ts')
    expect(violations(meta, 'src/browser.ts')).toEqual([])
    // the walk really covers the experiments and the training code (a broken walk would find nothing to refuse)
    const inputs = Object.keys(meta.inputs)
    for (const file of ['src/experiments/fig1-spectrum/run.ts', 'src/experiments/fig1-r2/run.ts', 'src/experiments/table1/run.ts', 'src/experiments/synthetic.ts', 'src/report/vega-svg.ts', 'src/run/assemble-result.ts', 'src/backend/reproduce-kernels.ts']) {
      expect(inputs).toContain(file)
    }
    expect(inputs.some((f) => f.endsWith('packages/train/src/train.ts'))).toBe(true)
    for (const nodeOnly of ['src/report/node-figures.ts', 'src/train/tty-progress-bar.ts', 'src/train/checkpoint-store.ts', 'src/run/runner.ts', 'src/backend/select.ts']) {
      expect(inputs).not.toContain(nodeOnly)
    }
  })

  it('finds the Node-only modules the CLI entry reaches, with the path to each (the check can fail)', async () => {
    const found = violations(await importGraph('src/cli.ts'), 'src/cli.ts')
    for (const specifier of ['node:path', 'commander', 'cli-progress', '@resvg/resvg-js', '@cl/train/node', '@cl/datasets']) {
      expect(found.some((v) => v.startsWith(`${specifier} (`))).toBe(true)
    }
    expect(found.find((v) => v.startsWith('@resvg/resvg-js ('))).toMatch(/via src\/cli\.ts → .*src\/report\/node-figures\.ts$/)
  })

  // The lab bundles the built package unless it resolves `@cl/source`: tsup's shared chunks must stay browser-safe too.
  it.skipIf(!existsSync(path.join(appDir, 'dist/browser.js')))('dist/browser.js (tsup build, shared chunks) reaches nothing Node-only either', async () => {
    const meta = await importGraph('dist/browser.js')
    expect(violations(meta, 'dist/browser.js')).toEqual([])
  })
})
