import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import { createDgp } from '@cl/dgp'
import { contentStyleTau } from '@cl/infonce'
import { normalizedSingularValues } from '@cl/metrics'
import { createLinearEncoder } from '@cl/models'
import { renderVegaLiteSvg } from '../report/vega-svg.js'
import { CheckpointStore } from '../train/checkpoint-store.js'
import type { Claim, Experiment } from './experiment.js'
import { meanStd } from './stats.js'
import { trainEncoder, type SpaceKind } from './synthetic.js'

const int = (min: number) => z.number().int().min(min)
const positive = z.number().positive()
const spaceSettings = z.strictObject({
  /** Style conditional: normal with this σ_s (truncated to the box by rejection; re-projected on the sphere). */
  sigma: positive,
  train: z.strictObject({ steps: int(1), batchSize: int(2), learningRate: positive }),
})

export const fig1SpectrumConfigSchema = z
  .strictObject({
    /** d (§4.1 linear DGP: d = 8). */
    dims: int(2),
    /** The d_c sweep; must contain 0 (the uncollapsed reference). */
    contentDims: z.array(int(0)).min(2),
    /** τ_s, and the content temperatures τ_c tried for every d_c > 0 (the paper's dashed lines). */
    tauStyle: positive,
    tauContent: z.array(positive).min(1),
    generator: z.strictObject({ thresholdDraws: int(1) }),
    spaces: z.strictObject({ box: spaceSettings.optional(), sphere: spaceSettings.optional() }),
    claims: z.strictObject({
      /** Which spectrum the claims read: the learned W (Fig. 1 left) or the end-to-end map W·A_g. */
      spectrum: z.enum(['weights', 'endToEnd']),
      /** Collapse: the style block's mean normalised singular value is at least this much below the d_c = 0 one. */
      collapseMargin: positive,
      /** Restored: with τ_c ≠ τ_s the style block is within this distance of the d_c = 0 one. */
      matchTolerance: positive,
    }),
  })
  .refine((c) => c.contentDims.includes(0), { message: 'a d_c sweep containing 0 (the uncollapsed reference)', path: ['contentDims'] })
  .refine((c) => c.contentDims.every((k) => k < c.dims), { message: 'every d_c < dims (style must exist)', path: ['contentDims'] })
  .refine((c) => c.spaces.box !== undefined || c.spaces.sphere !== undefined, { message: 'at least one of box, sphere', path: ['spaces'] })

export type Fig1SpectrumConfig = z.infer<typeof fig1SpectrumConfigSchema>

/** One trained linear encoder: its normalised spectra (descending) and training curve. */
export interface SpectrumRun {
  space: SpaceKind
  contentDims: number
  tauContent: number
  seed: number
  weights: number[]
  endToEnd: number[]
  finalLoss: number
  lossHistory: [number, number][]
}

function runKey(space: SpaceKind, dc: number, tauC: number, seed: number): string {
  return `${space}-dc${dc}-tauc${tauC}-seed${seed}`
}

/** The linear experiment of §4.1 (Fig. 1 left): spectra of a bias-free linear encoder trained on a linear DGP. */
export const fig1Spectrum: Experiment<Fig1SpectrumConfig> = {
  id: 'fig1-spectrum',
  title: 'Fig. 1 (left): singular values of linear encoders — content suppresses style',
  paperRef: '§4.1 "Linear DGP", Fig. 1 left, Appx. C',
  summary: 'linear g and f (d = 8): spectrum collapse for d_c > 0, restored by τ_c ≠ τ_s',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: fig1SpectrumConfigSchema,
  presets: {
    quick: {
      dims: 8,
      contentDims: [0, 1, 2, 4],
      tauStyle: 1,
      tauContent: [0.1],
      generator: { thresholdDraws: 25_000 },
      spaces: {
        box: { sigma: 0.05, train: { steps: 3000, batchSize: 512, learningRate: 1e-2 } },
        sphere: { sigma: 0.3, train: { steps: 3000, batchSize: 512, learningRate: 1e-2 } },
      },
      claims: { spectrum: 'endToEnd', collapseMargin: 0.2, matchTolerance: 0.15 },
    },
    paper: {
      dims: 8,
      contentDims: [0, 1, 2, 4],
      tauStyle: 1,
      tauContent: [0.1],
      generator: { thresholdDraws: 25_000 },
      spaces: {
        box: { sigma: 0.05, train: { steps: 100_000, batchSize: 6144, learningRate: 1e-4 } },
        sphere: { sigma: 0.3, train: { steps: 100_000, batchSize: 6144, learningRate: 1e-4 } },
      },
      claims: { spectrum: 'endToEnd', collapseMargin: 0.2, matchTolerance: 0.15 },
    },
  },
  async run({ config, seeds, runDir, log }) {
    const store = new CheckpointStore(runDir)
    const runs: SpectrumRun[] = []
    for (const space of ['box', 'sphere'] as const) {
      const settings = config.spaces[space]
      if (settings === undefined) continue
      const grid = [
        ...config.contentDims.map((dc) => [dc, config.tauStyle] as const),
        ...config.contentDims.filter((dc) => dc > 0).flatMap((dc) => config.tauContent.map((t) => [dc, t] as const)),
      ]
      for (const seed of seeds) {
        for (const [dc, tauC] of grid) {
          const key = runKey(space, dc, tauC, seed)
          const done = store.loadResult<SpectrumRun>(key)
          if (done !== undefined) {
            runs.push(done)
            continue
          }
          const r = await trainLinear(space, dc, tauC, seed, config, store, log)
          store.saveResult(key, r)
          runs.push(r)
        }
      }
    }
    return summarizeSpectra(config, runs)
  },
}

async function trainLinear(space: SpaceKind, dc: number, tauC: number, seed: number, config: Fig1SpectrumConfig, store: CheckpointStore, log: (l: string) => void): Promise<SpectrumRun> {
  const settings = config.spaces[space]!
  const key = runKey(space, dc, tauC, seed)
  const dgp = createDgp({
    space,
    dims: config.dims,
    contentDims: dc,
    // §4.1: "the conditional is normal with mean z for style dimensions and a δ-distribution for content dimensions".
    conditional: { kind: 'normal', sigma: settings.sigma },
    generator: { kind: 'linear', thresholdDraws: config.generator.thresholdDraws, seed },
    seed,
  })
  // The encoder's first d_c outputs get τ_c (the model is free to route content there; reference.md §3.2).
  const tau = dc === 0 ? config.tauStyle : contentStyleTau({ dims: config.dims, contentDims: dc, tauContent: tauC, tauStyle: config.tauStyle })
  const f = createLinearEncoder({ inputDim: config.dims, outputNormalization: space === 'sphere' ? 'fixedSphere' : 'none', seed, name: `fig1-${key}` })
  try {
    const outcome = await trainEncoder({ space, encoder: f, dgp, seed, key, tau, train: settings.train, store, log, label: `fig1 ${key}` })
    const w = f.weightMatrix()
    const a = (dgp.generator as unknown as { weights: readonly (readonly number[])[] }).weights
    const h = w.map((row) => a[0]!.map((_, j) => row.reduce((acc, wik, k) => acc + wik * a[k]![j]!, 0)))
    return {
      space,
      contentDims: dc,
      tauContent: tauC,
      seed,
      weights: normalizedSingularValues(w),
      endToEnd: normalizedSingularValues(h),
      finalLoss: outcome.finalLoss,
      lossHistory: outcome.lossHistory,
    }
  } finally {
    f.dispose()
  }
}

/** Mean of the `count` smallest entries of a descending spectrum: the style block after collapse. */
export function tailMean(spectrum: readonly number[], count: number): number {
  const tail = spectrum.slice(spectrum.length - count)
  return tail.reduce((a, b) => a + b, 0) / tail.length
}

/** Claims, metrics, report and figures from the runs. Exported for claim tests on constructed spectra. */
export async function summarizeSpectra(config: Fig1SpectrumConfig, runs: readonly SpectrumRun[]) {
  const pick = config.claims.spectrum
  const claims: Claim[] = []
  const table: string[] = ['| space | d_c | τ_c / τ_s | style block (mean normalised σ, W) | style block (W·A_g) | reference d_c = 0 (W·A_g) | final loss |', '|---|---|---|---|---|---|---|']
  const mean = (xs: number[]) => meanStd(xs).mean
  for (const space of ['box', 'sphere'] as const) {
    const inSpace = runs.filter((r) => r.space === space)
    if (inSpace.length === 0) continue
    const group = (dc: number, tauC: number) => inSpace.filter((r) => r.contentDims === dc && r.tauContent === tauC)
    for (const dc of config.contentDims.filter((k) => k > 0)) {
      const ds = config.dims - dc
      const ref = mean(group(0, config.tauStyle).map((r) => tailMean(r[pick], ds)))
      const equal = mean(group(dc, config.tauStyle).map((r) => tailMean(r[pick], ds)))
      claims.push({
        id: `${space}-dc${dc}-collapse`,
        description: `${space}, d_c = ${dc}, τ_c = τ_s: the ${ds} style singular values collapse relative to d_c = 0`,
        expected: `mean of the ${ds} smallest normalised σ ≤ ${(ref - config.claims.collapseMargin).toFixed(3)} (d_c = 0: ${ref.toFixed(3)})`,
        measured: equal.toFixed(3),
        holds: equal <= ref - config.claims.collapseMargin,
      })
      for (const tauC of config.tauContent) {
        const fixed = mean(group(dc, tauC).map((r) => tailMean(r[pick], ds)))
        claims.push({
          id: `${space}-dc${dc}-tauc${tauC}-restores`,
          description: `${space}, d_c = ${dc}, τ_c/τ_s = ${tauC / config.tauStyle}: the spectrum matches the d_c = 0 one`,
          expected: `style block within ±${config.claims.matchTolerance} of ${ref.toFixed(3)}`,
          measured: `${fixed.toFixed(3)} (τ_c = τ_s: ${equal.toFixed(3)})`,
          holds: Math.abs(fixed - ref) <= config.claims.matchTolerance,
        })
      }
    }
    for (const dc of config.contentDims) {
      for (const tauC of dc === 0 ? [config.tauStyle] : [config.tauStyle, ...config.tauContent]) {
        const g = group(dc, tauC)
        if (g.length === 0) continue
        const ds = config.dims - dc
        const ref = mean(group(0, config.tauStyle).map((r) => tailMean(r.endToEnd, ds)))
        table.push(`| ${space} | ${dc} | ${(tauC / config.tauStyle).toString()} | ${mean(g.map((r) => tailMean(r.weights, ds))).toFixed(3)} | ${mean(g.map((r) => tailMean(r.endToEnd, ds))).toFixed(3)} | ${ref.toFixed(3)} | ${mean(g.map((r) => r.finalLoss)).toFixed(3)} |`)
      }
    }
  }
  const figure = async (which: 'weights' | 'endToEnd', title: string) =>
    renderVegaLiteSvg({
      title: { text: title, anchor: 'start' },
      data: {
        values: runs.flatMap((r) =>
          r[which].map((s, k) => ({ space: r.space, index: k + 1, value: s, dc: `d_c = ${r.contentDims}`, tau: r.tauContent === config.tauStyle ? 'τ_c = τ_s' : `τ_c = ${r.tauContent}·τ_s`, seed: r.seed })),
        ),
      },
      facet: { field: 'space', type: 'nominal', title: null },
      spec: {
        width: 260,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'index', type: 'ordinal', title: 'singular value index', axis: { labelAngle: 0 } },
          y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: 'normalised singular value', scale: { domain: [0, 1] } },
          color: { field: 'dc', type: 'nominal', title: null },
          strokeDash: { field: 'tau', type: 'nominal', title: null, sort: ['τ_c = τ_s'] },
        },
      },
    } as never)
  return {
    metrics: { runs },
    paper: { claim: 'Fig. 1 left: z^s collapses when d_c > 0 unless τ_c < τ_s; with τ_c < τ_s the spectrum equals the d_c = 0 one (qualitative, no numbers given)' },
    claims,
    figures: [
      { name: 'fig1-spectrum-weights', caption: 'Normalised singular values of the learned W (solid τ_c = τ_s, dashed τ_c ≠ τ_s) — the quantity of the paper\'s Fig. 1 left', svg: await figure('weights', 'Fig. 1 left: normalised singular values of the trained W') },
      { name: 'fig1-spectrum-end-to-end', caption: 'Normalised singular values of the end-to-end map W·A_g', svg: await figure('endToEnd', 'Normalised singular values of W·A_g (encoder ∘ generator)') },
    ],
    reportMarkdown: [`Claims read the ${pick === 'weights' ? 'learned W' : 'end-to-end W·A_g'} spectrum; "style block" = mean of the d − d_c smallest normalised singular values (mean over seeds).`, '', ...table].join('\n'),
  }
}
