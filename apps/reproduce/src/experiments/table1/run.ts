import * as tf from '@tensorflow/tfjs'
import type { Dgp } from '@cl/dgp'
import { createMlpEncoder } from '@cl/models'
import type { CheckpointStore } from '@cl/train'
import { buildUserDgp } from '../experiment-dgp.js'
import type { ExperimentContext, UserDgp } from '../experiment.js'
import { stepSeed } from '../stats.js'
import { evaluateLoss, paperDgp, trainEncoder, type SpaceKind } from '../synthetic.js'
import type { Table1Config } from './config.js'

export interface Losses {
  align: number
  uniform: number
  total: number
}

/** One seed of one space: the losses of f = g⁻¹ and of the trained encoder on the evaluation batch. */
export interface SeedResult {
  gInverse: Losses
  trained: Losses
  lossHistory: [number, number][]
  trainSeconds: number
}

export const TERMS = ['align', 'uniform', 'total'] as const
export const SPACES: readonly SpaceKind[] = ['box', 'sphere']

/** The DGP of one space and seed: the user's (`--dgp`) where given, else the paper's nonlinear DGP of §4.1. */
export function table1Dgp(experiment: string, space: SpaceKind, seed: number, config: Table1Config, userDgp: UserDgp | undefined): Dgp {
  const contentDims = config[space].contentDims
  if (userDgp !== undefined) return buildUserDgp(userDgp, experiment, { space, dims: config.dims, contentDims, seed })
  const c = space === 'box' ? { sigma: config.box.sigma, kappa: 1 } : { sigma: 0.05, kappa: config.sphere.kappa }
  return paperDgp({ space, dims: config.dims, contentDims, ...c, generator: { kind: 'mlp', ...config.generator }, seed })
}

/** Every (space, seed): f = g⁻¹ and a trained encoder, resuming finished seeds from the run's checkpoint store. */
export async function runTable1(experiment: string, context: ExperimentContext<Table1Config>): Promise<Record<SpaceKind, SeedResult[]>> {
  const { config, seeds, store, log } = context
  const results: Record<SpaceKind, SeedResult[]> = { box: [], sphere: [] }
  for (const space of SPACES) {
    for (const seed of seeds) {
      const key = `${space}-seed${seed}`
      const done = await store.loadResult<SeedResult>(key)
      if (done !== undefined) {
        log(`${key}: already finished (resumed run)`)
        results[space].push(done)
        continue
      }
      const r = await runSeed(experiment, space, seed, key, context, store)
      await store.saveResult(key, r)
      results[space].push(r)
    }
  }
  return results
}

async function runSeed(experiment: string, space: SpaceKind, seed: number, key: string, context: ExperimentContext<Table1Config>, store: CheckpointStore): Promise<SeedResult> {
  const { config, log, signal, userDgp } = context
  const dgp = table1Dgp(experiment, space, seed, config, userDgp)
  const evalBatch = dgp.reseed(stepSeed(seed, 'eval', 0)).sample(config.evalSamples)
  const f = createMlpEncoder({
    inputDim: config.dims,
    hiddenWidths: config.encoder.hiddenWidths,
    outputNormalization: space === 'sphere' ? 'fixedSphere' : 'none',
    seed,
    name: `table1-${key}`,
  })
  try {
    // f = g⁻¹: the exact inverse of the generator (the intended solution).
    const zHat = dgp.generator.inverse(evalBatch.x)
    const zHatPositive = dgp.generator.inverse(evalBatch.xPositive)
    const gInverse = await evaluateLoss(space, zHat, zHatPositive, config.tau)
    tf.dispose([zHat, zHatPositive])
    log(`${key}: f = g⁻¹ L_align ${gInverse.align.toFixed(3)} L_uniform ${gInverse.uniform.toFixed(3)} L_CL ${gInverse.total.toFixed(3)}`)
    const outcome = await trainEncoder({ space, encoder: f, dgp, seed, key: `table1-${key}`, tau: config.tau, train: config.train, store, log, signal, onTrainStep: context.onTrainStep, label: `table1 ${key}` })
    const fx = f.apply(evalBatch.x)
    const fxPositive = f.apply(evalBatch.xPositive)
    const trainedLoss = await evaluateLoss(space, fx, fxPositive, config.tau, false)
    tf.dispose([fx, fxPositive])
    log(`${key}: f_InfoNCE L_align ${trainedLoss.align.toFixed(3)} L_uniform ${trainedLoss.uniform.toFixed(3)} L_CL ${trainedLoss.total.toFixed(3)}`)
    return { gInverse, trained: trainedLoss, lossHistory: outcome.lossHistory, trainSeconds: outcome.seconds }
  } finally {
    f.dispose()
    tf.dispose(Object.values(evalBatch) as tf.Tensor[])
  }
}
