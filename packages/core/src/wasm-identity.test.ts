import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isSharedWasmIdentityActive, useSharedWasmIdentity, useStockWasmIdentity } from './wasm-identity.js'
import { useFastWasmKernels } from './wasm-kernels.js'
import { isFastWasmMatMulActive, useStockWasmMatMul } from './wasm-matmul.js'

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true)
})

afterEach(() => {
  useStockWasmIdentity()
  useStockWasmMatMul()
})

const numDataIds = () => tf.engine().backend.numDataIds()

describe('useSharedWasmIdentity', () => {
  it('is idempotent and reversible', () => {
    expect(isSharedWasmIdentityActive()).toBe(false)
    expect(useSharedWasmIdentity()).toBe(true)
    const first = tf.getKernel('Identity', 'wasm')!.kernelFunc
    expect(useSharedWasmIdentity()).toBe(true)
    expect(tf.getKernel('Identity', 'wasm')!.kernelFunc).toBe(first)
    expect(useStockWasmIdentity()).toBe(true)
    expect(isSharedWasmIdentityActive()).toBe(false)
    expect(useStockWasmIdentity()).toBe(false)
  })

  it('clone shares the buffer; each tensor is disposed independently and the buffer is freed with the last', () => {
    useSharedWasmIdentity()
    const ids = numDataIds()
    const x = tf.tensor([1, 2, 3, 4], [2, 2])
    const y = tf.clone(x)
    expect(numDataIds()).toBe(ids + 1)
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4])
    y.dispose()
    expect(numDataIds()).toBe(ids)
    expect(tf.memory().numTensors).toBe(0)
  })

  it('a variable assigned after a clone leaves the clone unchanged', () => {
    useSharedWasmIdentity()
    const v = tf.variable(tf.tensor([1, 2, 3]))
    const c = tf.clone(v)
    v.assign(tf.tensor([7, 8, 9]))
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3])
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9])
    tf.dispose([v, c])
  })

  it('gradients are bit-identical to the copying kernel, leak-free (tensors and wasm buffers)', () => {
    const w = tf.variable(tf.tensor2d([0.3, -0.2, 0.5, 0.1, -0.7, 0.4], [3, 2]))
    const x = tf.tensor2d([1, 2, 3, -1, 0.5, 2, 0, -2, 1], [3, 3])
    const f = () => tf.sum(tf.exp(tf.leakyRelu(tf.matMul(x, w), 0.1))) as tf.Scalar
    const run = () => {
      const { value, grads } = tf.variableGrads(f, [w])
      const out = [Array.from(value.dataSync()), Array.from(grads[w.name]!.dataSync())]
      tf.dispose([value, ...Object.values(grads)])
      return out
    }
    const stock = run()
    useSharedWasmIdentity()
    const tensors = tf.memory().numTensors
    const ids = numDataIds()
    expect(run()).toEqual(stock)
    expect(tf.memory().numTensors).toBe(tensors)
    expect(numDataIds()).toBe(ids)
    tf.dispose([w, x])
  })

  it('string tensors keep the stock kernel', () => {
    useSharedWasmIdentity()
    const s = tf.tensor(['a', 'b'])
    const c = tf.clone(s)
    expect(c.arraySync()).toEqual(['a', 'b'])
    tf.dispose([s, c])
  })
})

describe('useFastWasmKernels', () => {
  it('installs both replacements and the conv filter-gradient kernel', () => {
    expect(useFastWasmKernels()).toBe(true)
    expect(isSharedWasmIdentityActive()).toBe(true)
    expect(isFastWasmMatMulActive()).toBe(true)
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
  })
})
