import type * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { createStepTracker, type TrackerMessage } from './step-tracker.js'

describe('createStepTracker', () => {
  it('reads the spectrum every K steps and at the last, throttles progress, batches loss points, counts jobs', async () => {
    let t = 0
    const sent: TrackerMessage[] = []
    const reads: number[] = []
    const tracker = createStepTracker({
      every: 4,
      minIntervalMs: 100,
      now: () => t,
      post: (m) => sent.push(m),
      readSpectrum: () => {
        reads.push(t)
        return Promise.resolve({ matrix: 'dense_0/kernel', values: [1, 0.5] })
      },
    })
    const variables = new Map<string, tf.Variable>()
    for (const job of ['a', 'b']) {
      for (let step = 1; step <= 10; step++) {
        t += 30 // 30 ms a step: ~33 steps/s
        tracker.onTrainStep({ job, step, steps: 10, loss: 1 / step, variables })
        await new Promise((resolve) => setTimeout(resolve, 0)) // @cl/train yields after every step
      }
    }
    const spectra = sent.filter((m) => m.type === 'spectrum')
    expect(spectra.map((m) => [m.job, m.step])).toEqual([['a', 4], ['a', 8], ['a', 10], ['b', 4], ['b', 8], ['b', 10]])
    const progress = sent.filter((m) => m.type === 'progress')
    // every loss point arrives exactly once, each job's last step is always sent
    expect(progress.flatMap((m) => m.losses.map(([s]) => `${m.job}${s}`))).toEqual([...'abcdefghij'].map((_, i) => `a${i + 1}`).concat([...'abcdefghij'].map((_, i) => `b${i + 1}`)))
    expect(progress.filter((m) => m.step === 10).map((m) => [m.job, m.jobIndex])).toEqual([['a', 1], ['b', 2]])
    expect(progress.length).toBeLessThan(20)
    const last = progress[progress.length - 1]!
    expect(last.stepsPerSecond).toBeGreaterThan(25)
    expect(last.stepsPerSecond).toBeLessThan(40)
  })

  it('skips a K-th step while the previous read is in flight, and reports a failed read', async () => {
    const sent: TrackerMessage[] = []
    const errors: unknown[] = []
    let release: (() => void) | undefined
    let calls = 0
    const tracker = createStepTracker({
      every: 1,
      minIntervalMs: 1e9,
      now: () => 0,
      post: (m) => sent.push(m),
      onReadError: (e) => errors.push(e),
      readSpectrum: () => {
        calls += 1
        if (calls === 1) return new Promise((resolve) => (release = () => resolve({ matrix: 'm', values: [1] })))
        return Promise.reject(new Error('lost device'))
      },
    })
    const variables = new Map<string, tf.Variable>()
    for (let step = 1; step <= 3; step++) tracker.onTrainStep({ job: 'a', step, steps: 5, loss: 1, variables })
    expect(calls).toBe(1)
    release!()
    await new Promise((resolve) => setTimeout(resolve, 0))
    tracker.onTrainStep({ job: 'a', step: 4, steps: 5, loss: 1, variables })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(sent.filter((m) => m.type === 'spectrum').map((m) => m.step)).toEqual([1])
    expect(calls).toBe(2)
    expect(String(errors[0])).toMatch(/lost device/)
  })
})
