import { assertOptionKeys, InvalidConfigError } from '@cl/core'

/**
 * A per-step learning rate as PatrickHua/SimSiam's `LR_Scheduler` (optimizers/lr_scheduler.py), which the paper's
 * CIFAR-10 runs (§4.2, configs/simclr_cifar.yaml) use: a linear warm-up to `learningRate`, then a cosine decay.
 */
export interface LearningRateSchedule {
  /** Steps of linear warm-up, default 0. */
  readonly warmupSteps?: number | undefined
  /** Learning rate of the first warm-up step, default 0 (the yaml's `warmup_lr`). */
  readonly warmupStartLearningRate?: number | undefined
  /** After the warm-up: `'constant'` (default) keeps `learningRate`, `'cosine'` decays it to `finalLearningRate`. */
  readonly decay?: 'constant' | 'cosine' | undefined
  /** End of the cosine, default 0 (the yaml's `final_lr`); only with `decay: 'cosine'`. */
  readonly finalLearningRate?: number | undefined
  /**
   * Steps the cosine spans, default `steps − warmupSteps`; only with `decay: 'cosine'`. May exceed the steps actually
   * run: the reference sets the cosine by `num_epochs` (800) but stops at `stop_at_epoch` (100).
   */
  readonly cosineSteps?: number | undefined
}

/** A validated schedule with every default filled in. */
export interface ResolvedSchedule {
  readonly learningRate: number
  readonly warmupSteps: number
  readonly warmupStartLearningRate: number
  readonly decay: 'constant' | 'cosine'
  readonly finalLearningRate: number
  /** 0 for `decay: 'constant'`. */
  readonly cosineSteps: number
}

const SCHEDULE_KEYS = ['warmupSteps', 'warmupStartLearningRate', 'decay', 'finalLearningRate', 'cosineSteps'] as const

function nonNegative(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidConfigError(field, 'a finite number >= 0', value)
  return value
}

function integerAtLeast(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new InvalidConfigError(field, `an integer >= ${min}`, value)
  return value
}

/**
 * Validate `schedule` (fields named `schedule.<field>` in errors) for a job of `steps` steps at base rate
 * `learningRate`. `steps` is only needed for the default `cosineSteps`.
 */
export function resolveSchedule(options: { readonly learningRate: number; readonly steps?: number; readonly schedule?: LearningRateSchedule | undefined }): ResolvedSchedule {
  const { learningRate } = options
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || !(learningRate > 0)) {
    throw new InvalidConfigError('learningRate', 'a finite number > 0', learningRate)
  }
  const s = options.schedule ?? {}
  assertOptionKeys('schedule', s, SCHEDULE_KEYS)
  const warmupSteps = integerAtLeast('schedule.warmupSteps', s.warmupSteps ?? 0, 0)
  const warmupStartLearningRate = nonNegative('schedule.warmupStartLearningRate', s.warmupStartLearningRate ?? 0)
  const decay = s.decay ?? 'constant'
  if (decay !== 'constant' && decay !== 'cosine') throw new InvalidConfigError('schedule.decay', "'constant' or 'cosine'", decay)
  if (decay === 'constant') {
    for (const field of ['finalLearningRate', 'cosineSteps'] as const) {
      if (s[field] !== undefined) throw new InvalidConfigError(`schedule.${field}`, "no value unless schedule.decay is 'cosine'", s[field])
    }
    return { learningRate, warmupSteps, warmupStartLearningRate, decay, finalLearningRate: learningRate, cosineSteps: 0 }
  }
  const finalLearningRate = nonNegative('schedule.finalLearningRate', s.finalLearningRate ?? 0)
  let cosineSteps: number
  if (s.cosineSteps !== undefined) cosineSteps = integerAtLeast('schedule.cosineSteps', s.cosineSteps, 1)
  else {
    const steps = options.steps
    if (steps === undefined) throw new InvalidConfigError('schedule.cosineSteps', 'an integer >= 1 (no `steps` to default to steps − warmupSteps)', undefined)
    if (steps - warmupSteps < 1) throw new InvalidConfigError('schedule.cosineSteps', `an integer >= 1; the default steps − warmupSteps = ${steps} − ${warmupSteps} is not`, undefined)
    cosineSteps = steps - warmupSteps
  }
  return { learningRate, warmupSteps, warmupStartLearningRate, decay, finalLearningRate, cosineSteps }
}

/**
 * The learning rate of 0-based `step`: entry `step` of SimSiam's `LR_Scheduler.lr_schedule`, computed in float64 in
 * the reference's order of operations:
 * - warm-up (step < W): `np.linspace(start, lr, W)[step]` = start + step·(lr − start)/(W − 1), exactly `lr` at
 *   step W − 1 (W = 1 gives `start`, as numpy does);
 * - cosine (W ≤ step < W + T): final + 0.5·(lr − final)·(1 + cos(π·i/T)) with i = step − W, so it starts at `lr`,
 *   is (lr + final)/2 at i = T/2, and reaches `final` at i = T (the reference's array ends at i = T − 1);
 * - after the cosine: `final` (the reference would index past its array); `'constant'`: `lr` after the warm-up.
 *
 * Not reproduced: the reference calls `lr_scheduler.step()` after `optimizer.step()` (main.py), so its first update
 * runs at the optimizer's initial `lr` (= base lr) and update k ≥ 1 at entry k − 1. Here update k uses entry k.
 */
export function learningRateAt(step: number, options: { readonly learningRate: number; readonly steps?: number; readonly schedule?: LearningRateSchedule | undefined } | ResolvedSchedule): number {
  const r = isResolved(options) ? options : resolveSchedule(options)
  integerAtLeast('step', step, 0)
  return scheduledRate(step, r)
}

function isResolved(o: object): o is ResolvedSchedule {
  return 'cosineSteps' in o && 'warmupStartLearningRate' in o && 'decay' in o && !('schedule' in o)
}

/** {@link learningRateAt} without validation (the training loop calls it once per step). */
export function scheduledRate(step: number, r: ResolvedSchedule): number {
  const { learningRate: base, warmupSteps: w, warmupStartLearningRate: start } = r
  if (step < w) {
    if (w === 1) return start
    // numpy.linspace: arange(W)·((stop − start)/(W − 1)) + start, the last entry set to stop.
    return step === w - 1 ? base : step * ((base - start) / (w - 1)) + start
  }
  if (r.decay === 'constant') return base
  const i = step - w
  if (i >= r.cosineSteps) return r.finalLearningRate
  return r.finalLearningRate + 0.5 * (base - r.finalLearningRate) * (1 + Math.cos((Math.PI * i) / r.cosineSteps))
}
