import { describe, expect, it } from 'vitest'
import { learningRateAt, resolveSchedule } from './schedule.js'

describe('learningRateAt (SimSiam LR_Scheduler)', () => {
  it('without a schedule is the base rate at every step', () => {
    for (const step of [0, 1, 999]) expect(learningRateAt(step, { learningRate: 0.3 })).toBe(0.3)
  })

  it('warms up linearly as numpy.linspace(start, lr, W): both endpoints included', () => {
    const o = { learningRate: 0.3, steps: 100, schedule: { warmupSteps: 11, warmupStartLearningRate: 0.05 } }
    expect(learningRateAt(0, o)).toBe(0.05)
    expect(learningRateAt(10, o)).toBe(0.3)
    expect(learningRateAt(5, o)).toBeCloseTo(0.175, 15)
    for (let s = 1; s < 11; s++) expect(learningRateAt(s, o)).toBeGreaterThan(learningRateAt(s - 1, o))
    // Constant decay: the base rate from the end of the warm-up on.
    expect(learningRateAt(11, o)).toBe(0.3)
    expect(learningRateAt(99, o)).toBe(0.3)
    // One warm-up step is numpy's linspace(start, lr, 1) = [start]; warm-up from 0 by default.
    expect(learningRateAt(0, { learningRate: 0.3, schedule: { warmupSteps: 1 } })).toBe(0)
    expect(learningRateAt(0, { learningRate: 0.3, schedule: { warmupSteps: 4 } })).toBe(0)
  })

  it('decays on a cosine: lr at its start, (lr + final)/2 at the midpoint, final at its end and after', () => {
    const o = { learningRate: 0.3, steps: 50, schedule: { warmupSteps: 10, decay: 'cosine' as const, finalLearningRate: 0.01 } }
    const r = resolveSchedule(o)
    expect(r.cosineSteps).toBe(40)
    expect(learningRateAt(9, o)).toBe(0.3)
    expect(learningRateAt(10, o)).toBe(0.3)
    expect(learningRateAt(30, o)).toBeCloseTo((0.3 + 0.01) / 2, 15)
    expect(learningRateAt(50, o)).toBeCloseTo(0.01, 15)
    expect(learningRateAt(10_000, o)).toBe(0.01)
    // Closed form at a quarter: final + (lr − final)(1 + cos(π/4))/2.
    expect(learningRateAt(20, r)).toBeCloseTo(0.01 + (0.29 * (1 + Math.SQRT1_2)) / 2, 15)
  })

  it('lets the cosine span more steps than are run (simclr_cifar.yaml: 800 epochs of decay, stop at 100)', () => {
    const perEpoch = 195 // 50 000 / 256, drop_last
    const o = { learningRate: 0.3, steps: 100 * perEpoch, schedule: { warmupSteps: 10 * perEpoch, decay: 'cosine' as const, cosineSteps: 790 * perEpoch } }
    const last = learningRateAt(100 * perEpoch - 1, o)
    const i = 90 * perEpoch - 1
    expect(last).toBeCloseTo(0.15 * (1 + Math.cos((Math.PI * i) / (790 * perEpoch))), 15)
    expect(last).toBeGreaterThan(0.29) // barely decayed: the reference's quirk
  })

  it('rejects bad schedules with typed errors naming the field', () => {
    const bad: [unknown, string][] = [
      [{ warmupSteps: -1 }, 'schedule.warmupSteps'],
      [{ warmupSteps: 1.5 }, 'schedule.warmupSteps'],
      [{ warmupStartLearningRate: -0.1 }, 'schedule.warmupStartLearningRate'],
      [{ decay: 'linear' }, 'schedule.decay'],
      [{ finalLearningRate: 0 }, 'schedule.finalLearningRate'],
      [{ decay: 'cosine', finalLearningRate: Number.NaN }, 'schedule.finalLearningRate'],
      [{ decay: 'cosine', cosineSteps: 0 }, 'schedule.cosineSteps'],
      [{ decay: 'cosine', warmupSteps: 10 }, 'schedule.cosineSteps'],
      [{ warmup: 3 }, 'schedule.warmup'],
    ]
    for (const [schedule, field] of bad) {
      expect(() => resolveSchedule({ learningRate: 0.1, steps: 10, schedule: schedule as never })).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field }))
    }
    expect(() => learningRateAt(-1, { learningRate: 0.1 })).toThrow(expect.objectContaining({ field: 'step' }))
    expect(() => learningRateAt(0, { learningRate: 0 })).toThrow(expect.objectContaining({ field: 'learningRate' }))
    expect(() => learningRateAt(0, { learningRate: 0.1, schedule: { decay: 'cosine' } })).toThrow(/schedule\.cosineSteps/)
  })
})
