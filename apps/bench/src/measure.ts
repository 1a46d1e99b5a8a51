import * as tf from '@tensorflow/tfjs'
import { train } from '@cl/train'
import { useBackend } from './backend.js'
import { checkBatchFits, fusedLossActive } from './memory-guard.js'
import type { BenchRow, RowSpec } from './row.js'
import { median, stepsPerRun } from './stats.js'
import { applyThreads } from './threads.js'
import { WORKLOADS } from './workloads/index.js'

/** Peak RSS of this process so far: the kernel's high-water mark (`ru_maxrss`, KiB on Linux) or the current RSS. */
export function processPeakRss(): number {
  return Math.max(process.resourceUsage().maxRSS * 1024, process.memoryUsage.rss())
}

/**
 * Measure one row in this process, as the PyTorch reference does: one warm-up step (profiled with `tf.profile` for the
 * peak tensor bytes), one timed step that sets the steps per run (`stepsPerRun`), then `runs` timed runs of that many
 * steps in one `@cl/train` `train` call (Adam state carries on across runs; each run's rate is read at its boundary
 * steps). Every step is the app's: fresh batch, encoder, InfoNCE, gradient, loss read-back, Adam update.
 * Throws a `MemoryEstimateError` before allocating anything when N does not fit the memory budget.
 */
export async function measureRow(spec: RowSpec): Promise<BenchRow> {
  await useBackend(spec.backend, spec.threads)
  const threads = applyThreads(spec.threads)
  const workload = WORKLOADS[spec.workload]
  const fusedLoss = fusedLossActive()
  checkBatchFits(workload.name, spec.n, workload.shape, fusedLoss)

  const built = workload.build({ n: spec.n, seed: spec.seed, thresholdDraws: spec.thresholdDraws })
  let peakRss = processPeakRss()
  let peakTensorBytes = 0
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
    peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes)
  }
  // Sample inside the loss too: at its end the forward pass's tensors are all alive.
  const job = {
    variables: built.job.variables,
    loss: (step: number) => {
      const loss = built.job.loss(step)
      sample()
      return loss
    },
  }
  const options = { learningRate: built.learningRate, key: 'bench' }
  try {
    const warm = await tf.profile(async () => (await train(job, { ...options, steps: 1 })).finalLoss)
    peakTensorBytes = Math.max(peakTensorBytes, warm.peakBytes)
    const lossFirst = warm.result as unknown as number

    let t0 = performance.now()
    await train(job, { ...options, steps: 1 })
    const steps = stepsPerRun(spec.minSeconds, (performance.now() - t0) / 1000)

    const rates: number[] = []
    let lossLast = Number.NaN
    t0 = performance.now()
    await train(job, {
      ...options,
      steps: steps * spec.runs,
      historyEvery: steps * spec.runs,
      onStep: ({ step, loss }) => {
        sample()
        lossLast = loss
        if (step % steps === 0) {
          const t = performance.now()
          rates.push(steps / ((t - t0) / 1000))
          t0 = t
        }
      },
    })
    peakRss = Math.max(peakRss, processPeakRss())
    return {
      backend: spec.backend,
      workload: spec.workload,
      n: spec.n,
      threads,
      stepsPerSecMedian: median(rates),
      peakRssBytes: peakRss,
      peakTensorBytes,
      rates,
      stepsPerRun: steps,
      lossFirst,
      lossLast,
      fusedLoss,
    }
  } finally {
    built.dispose()
  }
}
