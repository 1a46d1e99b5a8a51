import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { loadExperimentImages, resumable, trainSimclrVariant, type SimclrVariant } from '../images/index.js'
import type { Fig2Results, Fig2SeedResult } from './claims.js'
import type { Fig2Config } from './config.js'
import { FIG2_LABELS, FIG2_VARIANTS, type Fig2VariantId } from './presets.js'
import { summarizeSpectrum } from './spectrum.js'

/** Fig. 2's two models: Table 2's "Regular" (ℓ2-normalised) and "w/o norm." (standardised outputs). */
export function fig2Variants(config: Fig2Config): Record<Fig2VariantId, SimclrVariant> {
  return {
    regular: { id: 'regular', label: FIG2_LABELS.regular, normalize: true, standardize: false, tau: config.tau },
    'wo-norm': { id: 'wo-norm', label: FIG2_LABELS['wo-norm'], normalize: false, standardize: true, tau: config.tau },
  }
}

/** Every (variant, seed): train, embed the test images, spectra after / before the projector; finished sub-runs resume. */
export async function runFig2(experiment: string, context: ExperimentContext<Fig2Config>): Promise<{ results: Fig2Results; source: string }> {
  const { config, seeds, store, log, signal } = context
  const images = await loadExperimentImages(config.data, log)
  const variants = fig2Variants(config)
  const results = { regular: [] as Fig2SeedResult[], 'wo-norm': [] as Fig2SeedResult[] }
  for (const id of FIG2_VARIANTS) {
    for (const seed of seeds) {
      const key = `${experiment}-${id}-seed${seed}`
      results[id].push(
        await resumable(store, key, log, async () => {
          const f = await trainSimclrVariant({ key, seed, variant: variants[id], config, images, store, log, signal, withTrainSet: false })
          const after = summarizeSpectrum(f.test.after)
          const before = summarizeSpectrum(f.test.before)
          log(`${key}: effective rank after ${after.effectiveRank.toFixed(2)}/${after.width}, before ${before.effectiveRank.toFixed(2)}/${before.width}`)
          return { seed, after, before, lossHistory: f.lossHistory, trainSeconds: f.trainSeconds } satisfies Fig2SeedResult
        }),
      )
    }
  }
  return { results, source: images.dataset.source }
}
