import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { isClError } from '@cl/core'
import { describe, expect, it } from 'vitest'
import type { TrainingCheckpoint } from './checkpoint.js'
import { CHECKPOINT_FORMAT, FileCheckpointStore, writeFileAtomic } from './file-store.js'

const scratch = () => mkdtempSync(path.join(tmpdir(), 'cl-train-store-'))

function bitsOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.slice().buffer))
}

const checkpoint: TrainingCheckpoint = {
  step: 3,
  loss: 1.25,
  lossHistory: [[1, 2.5], [2, 1.5], [3, 1.25]],
  // −0, a subnormal, the largest float32 and a value with a full mantissa: all must survive bit for bit.
  weights: { 'dense_0/kernel': { shape: [2, 2], values: Float32Array.from([-0, 1e-45, 3.4028234663852886e38, Math.fround(Math.PI)]) } },
  adam: { t: 3, m: { 'dense_0/kernel': { shape: [2, 2], values: Float32Array.from([0.1, -0.2, 0, 5]) } }, v: { 'dense_0/kernel': { shape: [2, 2], values: Float32Array.from([1e-9, 2, 3, 4]) } } },
}

describe('FileCheckpointStore', () => {
  it('round-trips a checkpoint bit for bit (including −0 and subnormals) in a versioned file', () => {
    const dir = path.join(scratch(), 'nested', 'checkpoints')
    const store = new FileCheckpointStore(dir)
    expect(store.loadCheckpoint('job')).toBeUndefined()
    store.saveCheckpoint('job', checkpoint)
    const back = store.loadCheckpoint('job')!
    expect(bitsOf(back.weights['dense_0/kernel']!.values)).toEqual(bitsOf(checkpoint.weights['dense_0/kernel']!.values))
    expect(bitsOf(back.adam.m['dense_0/kernel']!.values)).toEqual(bitsOf(checkpoint.adam.m['dense_0/kernel']!.values))
    expect(bitsOf(back.adam.v['dense_0/kernel']!.values)).toEqual(bitsOf(checkpoint.adam.v['dense_0/kernel']!.values))
    expect(back).toMatchObject({ step: 3, loss: 1.25, lossHistory: checkpoint.lossHistory, adam: { t: 3 } })
    expect(JSON.parse(readFileSync(store.file('job', 'ckpt'), 'utf8')).format).toBe(CHECKPOINT_FORMAT)
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(dir)).toEqual(['job.ckpt.json'])
  })

  it('a truncated checkpoint is a typed error naming the file and how to continue', () => {
    const store = new FileCheckpointStore(scratch())
    store.saveCheckpoint('job', checkpoint)
    const file = store.file('job', 'ckpt')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)))
    const err = (() => {
      try {
        store.loadCheckpoint('job')
      } catch (e) {
        return e
      }
    })()
    expect(isClError(err, 'CL_CHECKPOINT')).toBe(true)
    expect((err as Error).message).toContain(file)
    expect((err as Error).message).toMatch(/truncated or corrupt .*; delete that file to restart job 'job' from step 0/)
  })

  it('a file of another format, or with too few values for its shape, is rejected the same way', () => {
    const store = new FileCheckpointStore(scratch())
    writeFileSync(store.file('old', 'ckpt'), JSON.stringify({ step: 1, weights: {}, optimizer: [], lossHistory: [] }))
    expect(() => store.loadCheckpoint('old')).toThrow(/old\.ckpt\.json is truncated or corrupt \(not a cl-train-checkpoint\/1 file\)/)
    store.saveCheckpoint('short', checkpoint)
    const file = store.file('short', 'ckpt')
    const raw = JSON.parse(readFileSync(file, 'utf8'))
    raw.adam.v['dense_0/kernel'].float32 = raw.adam.v['dense_0/kernel'].float32.slice(0, 16)
    writeFileSync(file, JSON.stringify(raw))
    expect(() => store.loadCheckpoint('short')).toThrow(/adam\.v\.dense_0\/kernel holds 3 values, its shape \[2, 2\] needs 4/)
  })

  it('stores results once, never overwrites them, and names a corrupt result file', () => {
    const store = new FileCheckpointStore(scratch())
    expect(store.loadResult('r')).toBeUndefined()
    store.saveResult('r', { r2: [0.5, 1] })
    expect(store.loadResult('r')).toEqual({ r2: [0.5, 1] })
    expect(() => store.saveResult('r', { r2: [] })).toThrow(/r\.done\.json already exists; results are never overwritten/)
    writeFileSync(store.file('bad', 'done'), '{"r2": [0.5,')
    expect(() => store.loadResult('bad')).toThrow(/bad\.done\.json is truncated or corrupt .*delete that file to recompute job 'bad'/)
  })

  it('validates job keys (they name files)', () => {
    const store = new FileCheckpointStore(scratch())
    for (const key of ['', '../escape', 'a/b', '.hidden', 'x'.repeat(129), 'sp ace']) {
      expect(() => store.saveCheckpoint(key, checkpoint)).toThrow(/invalid key: expected 1–128 characters/)
    }
    expect(() => store.loadResult('table1-box=1.seed_0')).not.toThrow()
  })

  it('a failed write names the file, leaves the old content and no temporary file', () => {
    const dir = scratch()
    const file = path.join(dir, 'x.json')
    writeFileAtomic(file, 'old')
    chmodSync(dir, 0o500)
    try {
      if (process.getuid?.() === 0) {
        // root ignores directory permissions: write into a directory that does not exist instead.
        expect(() => writeFileAtomic(path.join(dir, 'missing', 'y.json'), 'new')).toThrow(/cannot write .*missing\/y\.json/)
      } else {
        expect(() => writeFileAtomic(file, 'new')).toThrow(new RegExp(`cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      }
    } finally {
      chmodSync(dir, 0o700)
    }
    expect(readFileSync(file, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['x.json'])
    expect(existsSync(path.join(dir, 'missing'))).toBe(false)
  })
})
