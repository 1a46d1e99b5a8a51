import { execFile } from 'node:child_process'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it } from 'vitest'
import { countLeakedTensors } from './leak.js'
import { enableWasmThreads, MAX_WASM_THREADS } from './wasm-threads.js'

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * Ops whose wasm kernels go through XNNPACK's thread pool (matMul without transposes, conv2d, add, relu) plus a
 * gradient (transposed matMuls: naive loops), on deterministic inputs. Shared verbatim with the single-threaded child.
 */
const WORKLOAD = `
function fill(shape, salt) {
  const n = shape.reduce((a, b) => a * b, 1)
  const v = new Float32Array(n)
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.7071 + salt) * Math.cos(i * 0.013 + 2 * salt)
  return tf.tensor(v, shape)
}
function workload() {
  return tf.tidy(() => {
    const a = fill([1024, 256], 1), b = fill([256, 192], 2)
    const img = fill([4, 16, 16, 32], 3), k = fill([3, 3, 32, 48], 4)
    const w = tf.variable(fill([256, 64], 5))
    const grad = tf.grad((x) => tf.sum(tf.relu(tf.matMul(x, w))))(a)
    w.dispose()
    const outs = [tf.matMul(a, b), tf.conv2d(img, k, 1, 'same'), tf.relu(tf.add(a, fill([1024, 256], 6))), grad]
    return outs.map((t) => Buffer.from(t.dataSync().buffer).toString('base64'))
  })
}
`

const workload = new Function('tf', 'Buffer', `${WORKLOAD}; return workload`)(tf, Buffer) as () => string[]

/** The same workload on the stock single-threaded wasm backend, in a fresh Node process. */
async function singleThreadedReference(): Promise<string[]> {
  const script = `
    const tf = require('@tensorflow/tfjs'); require('@tensorflow/tfjs-backend-wasm')
    ${WORKLOAD}
    tf.setBackend('wasm').then((ok) => {
      if (!ok) throw new Error('wasm did not initialise')
      if (tf.backend().wasm.tfjs.getThreadsCount() !== 1) throw new Error('reference is not single-threaded')
      process.stdout.write(JSON.stringify(workload()))
    })`
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: packageDir,
    maxBuffer: 64 << 20,
  })
  return JSON.parse(stdout) as string[]
}

function refCountedWorkers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length
}

describe('enableWasmThreads', () => {
  it('rejects a thread count outside [1, 8] or an unknown option, naming the field', async () => {
    await expect(enableWasmThreads({ threads: 0 })).rejects.toMatchObject({ code: 'CL_INVALID_CONFIG', field: 'threads' })
    await expect(enableWasmThreads({ threads: MAX_WASM_THREADS + 1 })).rejects.toMatchObject({ field: 'threads' })
    await expect(enableWasmThreads({ threads: 1.5 })).rejects.toMatchObject({ field: 'threads' })
    await expect(enableWasmThreads({ threads: 2, thread: 2 } as never)).rejects.toMatchObject({
      field: 'enableWasmThreads options.thread',
    })
  })

  it('runs the threaded module with 2 threads, keeps results bit-identical to single-threaded, and does not hold the process open', async () => {
    const reference = singleThreadedReference()
    const workersBefore = refCountedWorkers()
    const status = await enableWasmThreads({ threads: 2 })
    expect(status).toMatchObject({ requested: 2, threads: 2, multithreaded: true })
    expect(tf.getBackend()).toBe('wasm')
    expect(refCountedWorkers()).toBeLessThanOrEqual(workersBefore)

    let threaded: string[] = []
    expect(countLeakedTensors(() => void (threaded = workload()))).toBe(0)
    const single = await reference
    expect(threaded).toHaveLength(single.length)
    threaded.forEach((output, i) => expect(output, `output ${i}`).toBe(single[i]))
    expect(refCountedWorkers()).toBeLessThanOrEqual(workersBefore)
  })

  it('is idempotent: a later call returns the first status without re-initialising', async () => {
    const first = await enableWasmThreads({ threads: 2 })
    const again = await enableWasmThreads({ threads: 4 })
    expect(again).toBe(first)
  })
})
