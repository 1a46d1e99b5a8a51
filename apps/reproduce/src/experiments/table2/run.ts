import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { loadExperimentImages, readoutScore, resumable, trainSimclrVariant, type SimclrVariant } from '../images/index.js'
import type { Table2Results, Table2SeedResult } from './claims.js'
import type { Table2Config } from './config.js'
import { TABLE2_LABELS, TABLE2_VARIANTS, type Table2VariantId } from './presets.js'

/**
 * Per-dim τ of "w/o norm + diff. τ": `first` on dims [0, ⌈D/2⌉), `rest` on [⌈D/2⌉, D) — the paper does not say which half;
 * the first half is the literal reading.
 */
export function diffTau(outputDim: number, first: number, rest: number): number[] {
  const half = Math.ceil(outputDim / 2)
  return Array.from({ length: outputDim }, (_, k) => (k < half ? first : rest))
}

/** The three Table 2 models of a config. */
export function table2Variants(config: Table2Config): Record<Table2VariantId, SimclrVariant> {
  const v = (id: Table2VariantId, normalize: boolean, tau: SimclrVariant['tau']): SimclrVariant => ({ id, label: TABLE2_LABELS[id], normalize, standardize: !normalize, tau })
  return {
    regular: v('regular', true, config.tau),
    'wo-norm': v('wo-norm', false, config.tau),
    'wo-norm-diff-tau': v('wo-norm-diff-tau', false, diffTau(config.projector.outputDim, config.diffTau.first, config.diffTau.rest)),
  }
}

/** Every (variant, seed): train, embed the readout sets, fit the readouts; finished sub-runs are resumed from the run's checkpoint store. */
export async function runTable2(experiment: string, context: ExperimentContext<Table2Config>): Promise<{ results: Table2Results; numClasses: number; source: string }> {
  const { config, seeds, store, log, signal } = context
  const images = await loadExperimentImages(config.data, log)
  const variants = table2Variants(config)
  const results = Object.fromEntries(TABLE2_VARIANTS.map((v) => [v, [] as Table2SeedResult[]])) as Table2Results
  for (const id of TABLE2_VARIANTS) {
    for (const seed of seeds) {
      const key = `${experiment}-${id}-seed${seed}`
      const r = await resumable(store, key, log, async () => {
        const f = await trainSimclrVariant({ key, seed, variant: variants[id], config, images, store, log, signal, withTrainSet: true })
        const after = readoutScore(images, f.train!.after, f.test.after, config.readout)
        const before = readoutScore(images, f.train!.before, f.test.before, config.readout)
        log(`${key}: readout after ${(100 * after.testAccuracy).toFixed(1)} %, before ${(100 * before.testAccuracy).toFixed(1)} % (final loss ${f.lossHistory.at(-1)?.[1].toFixed(3)})`)
        return { seed, after: 100 * after.testAccuracy, before: 100 * before.testAccuracy, lossHistory: f.lossHistory, trainSeconds: f.trainSeconds } satisfies Table2SeedResult
      })
      results[id].push(r)
    }
  }
  return { results, numClasses: images.dataset.classNames.length, source: images.dataset.source }
}
