#!/usr/bin/env node
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs'
import { useFastWasmKernels, useStockWasmConvInput } from '@cl/core'
import { useBackend } from './backend.js'

/**
 * `cl-bench-conv`: one ResNet-like conv layer's full training step — forward conv2d + relu, backward to the filter
 * (`Conv2DBackpropFilter`, on wasm the kernel of `@cl/core`'s `useWasmConvGradients`) and to the input
 * (`Conv2DBackpropInput`) — on wasm and cpu, for layer sizes of a small CIFAR ResNet. Prints the median step time per
 * backend, the cpu/wasm ratio, the filter gradient's time on wasm, and the wasm step with tfjs-wasm's own (nested-loop)
 * `Conv2DBackpropInput` instead of `useFastWasmConvInput`'s.
 *
 *   node apps/bench/dist/conv-step.js [--n 128] [--runs 5] [--backends wasm,cpu] [--threads 1]
 */

interface ConvLayer {
  readonly label: string
  readonly h: number
  readonly cin: number
  readonly cout: number
  readonly k: number
  readonly stride: number
}

/** Layers of a CIFAR-size ResNet stage (input side × side × Cin → Cout, k × k, stride). */
export const CONV_LAYERS: readonly ConvLayer[] = [
  { label: '28×28×16→16 3×3 s1', h: 28, cin: 16, cout: 16, k: 3, stride: 1 },
  { label: '14×14×32→32 3×3 s1', h: 14, cin: 32, cout: 32, k: 3, stride: 1 },
  { label: '14×14×32→64 3×3 s2', h: 14, cin: 32, cout: 64, k: 3, stride: 2 },
  { label: '7×7×64→64 3×3 s2', h: 7, cin: 64, cout: 64, k: 3, stride: 2 },
  { label: '7×7×64→64 3×3 s1', h: 7, cin: 64, cout: 64, k: 3, stride: 1 },
]

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Median ms of `fn` (which must block until its result is read) over `runs` runs after one warm-up. */
function time(fn: () => void, runs: number): number {
  fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

interface LayerResult {
  readonly stepMs: number
  readonly filterGradMs: number
}

function measureLayer(layer: ConvLayer, n: number, runs: number): LayerResult {
  const x = tf.randomNormal([n, layer.h, layer.h, layer.cin], 0, 1, 'float32', 1) as tf.Tensor4D
  const w = tf.variable(tf.randomNormal([layer.k, layer.k, layer.cin, layer.cout], 0, 0.1, 'float32', 2) as tf.Tensor4D)
  const probe = tf.conv2d(x, w, layer.stride, 'same')
  const r = tf.randomNormal(probe.shape, 0, 1, 'float32', 3)
  const dy = tf.randomNormal(probe.shape, 0, 1, 'float32', 4) as tf.Tensor4D
  probe.dispose()
  const step = () =>
    tf.tidy(() => {
      const grads = tf.grads((xx, ww) => tf.sum(tf.mul(tf.relu(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, layer.stride, 'same')), r)))([x, w])
      for (const g of grads) g.dataSync()
    })
  const filterGrad = () =>
    tf.tidy(() => {
      const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: layer.stride,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [layer.k, layer.k, layer.cin, layer.cout],
      } as unknown as tf.NamedAttrMap) as tf.Tensor
      g.dataSync()
    })
  const before = tf.memory().numTensors
  const result = { stepMs: time(step, runs), filterGradMs: time(filterGrad, runs) }
  if (tf.memory().numTensors !== before) throw new Error(`conv-step leaked ${tf.memory().numTensors - before} tensors`)
  tf.dispose([x, w, r, dy])
  return result
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '128' },
      runs: { type: 'string', default: '5' },
      backends: { type: 'string', default: 'wasm,cpu' },
      threads: { type: 'string', default: '1' },
      layers: { type: 'string' },
    },
  })
  const n = Number(values.n)
  const runs = Number(values.runs)
  const threads = Number(values.threads)
  const backends = values.backends.split(',').flatMap((b) => (b === 'wasm' ? ['wasm', 'wasm-stock-input'] : [b])) as ('wasm' | 'wasm-stock-input' | 'cpu')[]
  const layers = values.layers === undefined ? CONV_LAYERS : values.layers.split(',').map((i) => CONV_LAYERS[Number(i)]!)
  const results = new Map<string, LayerResult[]>()
  for (const backend of backends) {
    const wasm = backend !== 'cpu'
    if (backend !== 'wasm-stock-input') await useBackend(wasm ? 'wasm' : 'cpu', wasm ? threads : 1)
    if (wasm && !useFastWasmKernels()) throw new Error('useFastWasmKernels() did not install every wasm kernel')
    if (backend === 'wasm-stock-input') useStockWasmConvInput()
    const rows: LayerResult[] = []
    for (const layer of layers) {
      const r = measureLayer(layer, n, runs)
      process.stderr.write(`${backend} N=${n} ${layer.label}: step ${r.stepMs.toFixed(1)} ms, filter gradient ${r.filterGradMs.toFixed(1)} ms\n`)
      rows.push(r)
    }
    results.set(backend, rows)
  }
  const wasm = results.get('wasm')
  const cpu = results.get('cpu')
  const stockInput = results.get('wasm-stock-input')
  console.log(`conv layer training step (forward + backward to filter and input), N=${n}, median of ${runs}, wasm threads ${threads}`)
  console.log('| layer | wasm step ms | wasm filter-grad ms | wasm step ms, stock Conv2DBackpropInput | cpu step ms | cpu / wasm |')
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const [i, layer] of layers.entries()) {
    const w = wasm?.[i]
    const c = cpu?.[i]
    const cell = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1))
    console.log(`| ${layer.label} | ${cell(w?.stepMs)} | ${cell(w?.filterGradMs)} | ${cell(stockInput?.[i]?.stepMs)} | ${cell(c?.stepMs)} | ${w !== undefined && c !== undefined ? `${(c.stepMs / w.stepMs).toFixed(1)}×` : '–'} |`)
  }
}

await main()
