import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { hasWasmConvGradients, useWasmConvGradients } from './wasm-conv-backprop-filter.js'
import { useSharedWasmIdentity } from './wasm-identity.js'
import { useFastWasmKernels } from './wasm-kernels.js'
import { isFastWasmMatMulActive, useFastWasmMatMul, useStockWasmMatMul } from './wasm-matmul.js'

describe('useFastWasmMatMul without the wasm backend', () => {
  it('is a no-op returning false and leaves the other backends\' kernels alone', () => {
    const cpu = tf.getKernel('BatchMatMul', 'cpu')
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeUndefined()
    expect(useFastWasmMatMul()).toBe(false)
    expect(isFastWasmMatMulActive()).toBe(false)
    expect(useStockWasmMatMul()).toBe(false)
    expect(useSharedWasmIdentity()).toBe(false)
    expect(useWasmConvGradients()).toBe(false)
    expect(hasWasmConvGradients()).toBe(false)
    expect(useFastWasmKernels()).toBe(false)
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined()
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeUndefined()
    expect(tf.getKernel('BatchMatMul', 'cpu')).toBe(cpu)
  })
})
