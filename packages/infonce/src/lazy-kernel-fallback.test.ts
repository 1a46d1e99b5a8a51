import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { hasPairwiseLseKernel, pairwiseLseImplementation, pairwiseLseKernelUnavailableReason } from './kernel/index.js'
import { lpInfoNce } from './lp-infonce.js'
import { randomMat } from './test-oracles.js'

/**
 * Where the kernel's synchronous wasm compile fails (as on a browser main thread past its size limit), the first loss
 * call records the failure once and falls back to the tiled path silently. Simulated with a WebAssembly whose
 * Module constructor throws; the cpu backend does not need WebAssembly itself. A fresh import: nothing compiled yet.
 */

beforeAll(async () => {
  const real = (globalThis as unknown as { WebAssembly: object }).WebAssembly
  vi.stubGlobal('WebAssembly', {
    ...real,
    Module: class {
      constructor() {
        throw new RangeError('WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 8MB')
      }
    },
  })
  expect(await tf.setBackend('cpu')).toBe(true)
})
afterAll(() => {
  vi.unstubAllGlobals()
})

describe('kernel compile failure', () => {
  it("falls back to the tiled path once, silently, and reports 'tiled'", () => {
    const f = tf.tensor2d(randomMat(5, 9, 3))
    const fp = tf.tensor2d(randomMat(6, 9, 3))
    const fused = lpInfoNce(f, fp, { tau: 0.5 })
    const stock = lpInfoNce(f, fp, { tau: 0.5, implementation: 'stock' })
    expect(fused.total.dataSync()[0]).toBeCloseTo(stock.total.dataSync()[0]!, 5)
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => lpInfoNce(x as tf.Tensor2D, y as tf.Tensor2D, { tau: 0.5 }).total)([f, fp])
    expect(grads[0]!.dataSync().every(Number.isFinite)).toBe(true)
    expect(hasPairwiseLseKernel('cpu')).toBe(false)
    expect(pairwiseLseImplementation()).toBe('tiled')
    expect(pairwiseLseImplementation('wasm')).toBe('tiled')
    expect(pairwiseLseKernelUnavailableReason()?.message).toMatch(/failed to compile/)
    tf.dispose([f, fp, fused, stock, ...grads])
  })
})
