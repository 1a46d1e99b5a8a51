import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it } from 'vitest'
import { enableWasmThreads } from './wasm-threads.js'

// Own file: the wasm backend initialises once per process.
describe('enableWasmThreads after the wasm backend was initialised', () => {
  it('reports the thread count in use and leaves the backend alone', async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    const status = await enableWasmThreads({ threads: 2 })
    expect(status).toMatchObject({ requested: 2, threads: 1, multithreaded: false })
    expect(status.detail).toContain('initialised before enableWasmThreads')
    expect(tf.getBackend()).toBe('wasm')
  })
})
