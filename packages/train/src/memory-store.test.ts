import { describe, expect, it } from 'vitest'
import { MemoryCheckpointStore } from './memory-store.js'

describe('MemoryCheckpointStore', () => {
  const checkpoint = {
    step: 2,
    loss: 0.5,
    lossHistory: [[2, 0.5]] as const,
    weights: { w: { shape: [2], values: Float32Array.from([1, -0]) } },
    adam: { t: 2, m: { w: { shape: [2], values: Float32Array.from([0.1, 0.2]) } }, v: { w: { shape: [2], values: Float32Array.from([0.3, 0.4]) } } },
  }

  it('keeps copies: neither the saved nor the loaded checkpoint aliases the store', () => {
    const store = new MemoryCheckpointStore()
    const mine = { ...checkpoint, weights: { w: { shape: [2], values: Float32Array.from([1, -0]) } } }
    store.saveCheckpoint('a', mine)
    mine.weights.w.values[0] = 42
    const loaded = store.loadCheckpoint('a')!
    expect(Array.from(loaded.weights.w!.values)).toEqual([1, -0])
    ;(loaded.weights.w!.values as Float32Array)[0] = 7
    expect(store.loadCheckpoint('a')!.weights.w!.values[0]).toBe(1)
    expect(store.loadCheckpoint('b')).toBeUndefined()
  })

  it('stores results once and validates keys', () => {
    const store = new MemoryCheckpointStore()
    store.saveResult('r', { x: 1 })
    expect(store.loadResult('r')).toEqual({ x: 1 })
    expect(() => store.saveResult('r', { x: 2 })).toThrow(/already stored/)
    expect(() => store.saveResult('s', undefined)).toThrow(/not JSON-serialisable/)
    expect(() => store.loadCheckpoint('a/b')).toThrow(/invalid key/)
  })
})
