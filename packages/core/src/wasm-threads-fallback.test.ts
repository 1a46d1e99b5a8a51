import fs from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it, vi } from 'vitest'
import { countLeakedTensors } from './leak.js'
import { enableWasmThreads } from './wasm-threads.js'

// Own file: the wasm backend initialises once per process, so each path needs a fresh worker process.
describe('enableWasmThreads when the threaded module cannot start', () => {
  it('falls back to the single-threaded module and says why, instead of throwing', async () => {
    const write = vi.spyOn(fs, 'writeFileSync').mockImplementation(() => {
      throw new Error('EROFS: read-only file system')
    })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const status = await enableWasmThreads({ threads: 2 })
      expect(status).toMatchObject({ requested: 2, threads: 1, multithreaded: false })
      expect(status.detail).toContain('EROFS')
      expect(status.detail).toContain('single-threaded module')
    } finally {
      write.mockRestore()
      warn.mockRestore()
    }
    expect(tf.getBackend()).toBe('wasm')
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false)
    const a = tf.tensor2d([[1, 2], [3, 4]])
    expect(countLeakedTensors(() => tf.matMul(a, a))).toBe(0)
    expect(Array.from(tf.matMul(a, a).dataSync())).toEqual([7, 10, 15, 22])
  })
})
