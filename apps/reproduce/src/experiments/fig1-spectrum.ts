import { z } from 'zod'
import { createDgp } from '@cl/dgp'
import { contentStyleTau } from '@cl/infonce'
import { normalizedSingularValues } from '@cl/metrics'
import { createLinearEncoder } from '@cl/models'
import { renderVegaLiteSvg } from '../report/vega-svg.js'
import { CheckpointStore } from '../train/checkpoint-store.js'
import type { Claim, Experiment } from './experiment.js'
import { meanStd, tailMean } from './stats.js'
import { paperGenerator, trainEncoder, type SpaceKind } from './synthetic.js'

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
    /** The d_c sweep with δ content and τ_c = τ_s; must contain 0 (the uncollapsed reference). */
    contentDims: z.array(int(0)).min(2),
    tauStyle: positive,
    /**
     * The temperature runs (Prop. 3, Appx. C): content perturbed with a small σ_c, trained with τ_c = τ_s and with
     * τ_c = tauContent; plus a δ-content control with τ_c = tauContent.
     */
    prop3: z.strictObject({ contentDims: int(1), contentSigma: positive, tauContent: positive }),
    generator: z.strictObject({ thresholdDraws: int(1) }),
    spaces: z.strictObject({ box: spaceSettings.optional(), sphere: spaceSettings.optional() }),
    claims: z.strictObject({
      /** The d_c = 0 reference must train to a flat end-to-end spectrum: style block of W·A_g ≥ this. */
      referenceFlat: positive,
      /** Collapse: the style block of W·A_g is at least this much below the d_c = 0 one. */
      collapseMargin: positive,
      /** Without τ, the σ_c-content run's W spectrum is at least this far (mean |Δσ|) from the d_c = 0 one. */
      collapsedDistance: positive,
      /** With τ_c, the σ_c-content run's W spectrum is within this distance of the d_c = 0 one. */
      matchTolerance: positive,
    }),
  })
  .refine((c) => c.contentDims.includes(0), { message: 'a d_c sweep containing 0 (the uncollapsed reference)', path: ['contentDims'] })
  .refine((c) => [...c.contentDims, c.prop3.contentDims].every((k) => k < c.dims), { message: 'every d_c < dims (style must exist)', path: ['contentDims'] })
  .refine((c) => c.spaces.box !== undefined || c.spaces.sphere !== undefined, { message: 'at least one of box, sphere', path: ['spaces'] })

export type Fig1SpectrumConfig = z.infer<typeof fig1SpectrumConfigSchema>

/** One trained linear encoder: its normalised spectra (descending) and training curve. */
export interface SpectrumRun {
  space: SpaceKind
  contentDims: number
  /** σ_c of the content conditional (0 = δ). */
  contentSigma: number
  tauContent: number
  /** Sphere: whether f's output is ℓ2-normalised before the cosine loss (false = the paper's "w/o ℓ2-norm"). Box: false. */
  normalized?: boolean
  seed: number
  /** Normalised singular values of the learned W (what Fig. 1 left plots). */
  weights: number[]
  /** Normalised singular values of W·A_g (encoder ∘ generator). */
  endToEnd: number[]
  /** Normalised singular values of diag(τ^-½)·W·A_g, the map the loss actually sees. */
  effective: number[]
  finalLoss: number
  lossHistory: [number, number][]
}

function runKey(space: SpaceKind, dc: number, sigmaC: number, tauC: number, seed: number, unnormalized = false): string {
  return `${space}-dc${dc}-sc${sigmaC}-tauc${tauC}${unnormalized ? '-nonorm' : ''}-seed${seed}`
}

interface GridPoint {
  dc: number
  sigmaC: number
  tauC: number
  /** Sphere only: train without the output ℓ2-normalisation (raw dot products). */
  unnormalized?: boolean
}

/**
 * The runs of one space: the τ_c = τ_s sweep, the Prop. 3 pair (σ_c > 0; τ_c = τ_s and τ_c), the δ control, and on the
 * sphere the Prop. 3 τ_c run without the ℓ2-normalisation (§4.1: on the sphere "we further need to remove" it).
 */
function grid(config: Fig1SpectrumConfig, space: SpaceKind): GridPoint[] {
  const { prop3, tauStyle } = config
  return [
    ...config.contentDims.map((dc) => ({ dc, sigmaC: 0, tauC: tauStyle })),
    { dc: prop3.contentDims, sigmaC: prop3.contentSigma, tauC: tauStyle },
    { dc: prop3.contentDims, sigmaC: prop3.contentSigma, tauC: prop3.tauContent },
    { dc: prop3.contentDims, sigmaC: 0, tauC: prop3.tauContent },
    ...(space === 'sphere' ? [{ dc: prop3.contentDims, sigmaC: prop3.contentSigma, tauC: prop3.tauContent, unnormalized: true }] : []),
  ]
}

const sharedPreset = {
  dims: 8,
  contentDims: [0, 1, 2, 4],
  tauStyle: 1,
  // τ_c = (σ_c/σ_s)² with σ_c/σ_s = 0.1: Prop. 3 read as a scale on the representation (logits carry its square).
  prop3: { contentDims: 2, contentSigma: 0.005, tauContent: 0.01 },
  generator: { thresholdDraws: 25_000 },
  claims: { referenceFlat: 0.85, collapseMargin: 0.3, collapsedDistance: 0.15, matchTolerance: 0.1 },
}

/** The linear experiment of §4.1 (Fig. 1 left): spectra of a bias-free linear encoder trained on a linear DGP. */
export const fig1Spectrum: Experiment<Fig1SpectrumConfig> = {
  id: 'fig1-spectrum',
  title: 'Fig. 1 (left): singular values of linear encoders — content suppresses style',
  paperRef: '§4.1 "Linear DGP", Fig. 1 left, Appx. C, Prop. 3',
  summary: 'linear g and f (d = 8): style collapses for d_c > 0; τ_c < τ_s restores the spectrum of W',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: fig1SpectrumConfigSchema,
  presets: {
    quick: {
      ...sharedPreset,
      spaces: {
        // Calibrated so the d_c = 0 reference reaches a flat W·A_g (README "Calibration"); σ_s = 0.3 on the sphere, where
        // 0.05 barely perturbs the pairs (the paper's sphere L_align ≈ −0.19 also implies very noisy positives).
        box: { sigma: 0.05, train: { steps: 2000, batchSize: 256, learningRate: 0.03 } },
        sphere: { sigma: 0.3, train: { steps: 2000, batchSize: 256, learningRate: 0.03 } },
      },
    },
    paper: {
      ...sharedPreset,
      spaces: {
        box: { sigma: 0.05, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
        sphere: { sigma: 0.3, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
      },
    },
  },
  async run({ config, seeds, runDir, log }) {
    const store = new CheckpointStore(runDir)
    const runs: SpectrumRun[] = []
    for (const space of ['box', 'sphere'] as const) {
      if (config.spaces[space] === undefined) continue
      for (const seed of seeds) {
        for (const point of grid(config, space)) {
          const key = runKey(space, point.dc, point.sigmaC, point.tauC, seed, point.unnormalized)
          const done = store.loadResult<SpectrumRun>(key)
          if (done !== undefined) {
            runs.push(done)
            continue
          }
          const r = await trainLinear(space, point, seed, config, store, log)
          store.saveResult(key, r)
          runs.push(r)
        }
      }
    }
    return summarizeSpectra(config, runs)
  },
}

function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((acc, aik, k) => acc + aik * b[k]![j]!, 0)))
}

async function trainLinear(space: SpaceKind, point: GridPoint, seed: number, config: Fig1SpectrumConfig, store: CheckpointStore, log: (l: string) => void): Promise<SpectrumRun> {
  const { dc, sigmaC, tauC } = point
  const normalized = space === 'sphere' && point.unnormalized !== true
  const settings = config.spaces[space]!
  const key = runKey(space, dc, sigmaC, tauC, seed, point.unnormalized)
  const dgp = createDgp({
    space,
    dims: config.dims,
    contentDims: dc,
    // §4.1: "the conditional is normal with mean z for style dimensions and a δ-distribution for content dimensions";
    // the Prop. 3 runs generalise the δ to a small σ_c (Appx. C).
    conditional: { kind: 'normal', sigma: settings.sigma, contentSigma: sigmaC },
    generator: paperGenerator({ kind: 'linear', thresholdDraws: config.generator.thresholdDraws }, config.dims, seed),
    seed,
  })
  // The encoder's first d_c outputs get τ_c (the model is free to route content there; reference.md §3.2).
  const tau = dc === 0 ? [...Array(config.dims)].map(() => config.tauStyle) : contentStyleTau({ dims: config.dims, contentDims: dc, tauContent: tauC, tauStyle: config.tauStyle })
  const f = createLinearEncoder({ inputDim: config.dims, outputNormalization: normalized ? 'fixedSphere' : 'none', seed, name: `fig1-${key}` })
  try {
    const outcome = await trainEncoder({ space, encoder: f, dgp, seed, key, tau, train: settings.train, store, log, label: `fig1 ${key}` })
    const w = f.weightMatrix()
    const h = matMul(w, (dgp.generator as unknown as { weights: readonly (readonly number[])[] }).weights)
    const e = h.map((row, i) => row.map((v) => v / Math.sqrt(tau[i]!)))
    return {
      space,
      contentDims: dc,
      contentSigma: sigmaC,
      tauContent: tauC,
      normalized,
      seed,
      weights: normalizedSingularValues(w),
      endToEnd: normalizedSingularValues(h),
      effective: normalizedSingularValues(e),
      finalLoss: outcome.finalLoss,
      lossHistory: outcome.lossHistory,
    }
  } finally {
    f.dispose()
  }
}

/** A sphere run trained without the output ℓ2-normalisation (results saved before the field existed were normalised). */
function isUnnormalizedSphere(r: SpectrumRun): boolean {
  return r.space === 'sphere' && r.normalized === false
}

/** Mean absolute difference of two normalised spectra (same length). */
export function spectrumDistance(a: readonly number[], b: readonly number[]): number {
  return a.reduce((acc, v, k) => acc + Math.abs(v - b[k]!), 0) / a.length
}

/** Claims, metrics, report and figures from the runs. Exported for claim tests on constructed spectra. */
export async function summarizeSpectra(config: Fig1SpectrumConfig, runs: readonly SpectrumRun[]) {
  const c = config.claims
  const claims: Claim[] = []
  const mean = (xs: number[]) => meanStd(xs).mean
  const f3 = (x: number) => x.toFixed(3)
  const table: string[] = [
    '| space | d_c | σ_c | τ_c / τ_s | style block W·A_g | style block W | distance of W to d_c = 0 | style block diag(τ^-½)·W·A_g | final loss |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  for (const space of ['box', 'sphere'] as const) {
    const inSpace = runs.filter((r) => r.space === space)
    if (inSpace.length === 0) continue
    const group = (dc: number, sigmaC: number, tauC: number, unnormalized = false) =>
      inSpace.filter((r) => r.contentDims === dc && r.contentSigma === sigmaC && r.tauContent === tauC && isUnnormalizedSphere(r) === unnormalized)
    const reference = group(0, 0, config.tauStyle)
    const refOf = (seed: number) => reference.find((r) => r.seed === seed) ?? reference[0]!
    const styleBlock = (rs: SpectrumRun[], ds: number, which: 'weights' | 'endToEnd' | 'effective') => mean(rs.map((r) => tailMean(r[which], ds)))
    const distance = (rs: SpectrumRun[]) => mean(rs.map((r) => spectrumDistance(r.weights, refOf(r.seed).weights)))
    const refFlat = styleBlock(reference, config.dims - 1, 'endToEnd')
    claims.push({
      id: `${space}-reference-flat`,
      description: `${space}, d_c = 0: the reference trains to an uncollapsed (flat) end-to-end spectrum (precondition)`,
      expected: `mean of the ${config.dims - 1} smallest normalised σ of W·A_g ≥ ${c.referenceFlat}`,
      measured: f3(refFlat),
      holds: refFlat >= c.referenceFlat,
    })
    for (const dc of config.contentDims.filter((k) => k > 0)) {
      const ds = config.dims - dc
      const ref = styleBlock(reference, ds, 'endToEnd')
      const equal = styleBlock(group(dc, 0, config.tauStyle), ds, 'endToEnd')
      claims.push({
        id: `${space}-dc${dc}-collapse`,
        description: `${space}, d_c = ${dc}, τ_c = τ_s: the ${ds} style directions collapse (W·A_g)`,
        expected: `style block ≤ ${f3(ref - c.collapseMargin)} (d_c = 0: ${f3(ref)})`,
        measured: f3(equal),
        holds: equal <= ref - c.collapseMargin,
      })
    }
    const { contentDims: pdc, contentSigma: psc, tauContent: ptc } = config.prop3
    const without = distance(group(pdc, psc, config.tauStyle))
    // Sphere: the paper's remedy is τ_c < τ_s *and* no ℓ2-normalisation (§4.1); the normalised τ run is reported too.
    const sphere = space === 'sphere'
    const normalizedTau = distance(group(pdc, psc, ptc))
    const withTau = sphere ? distance(group(pdc, psc, ptc, true)) : normalizedTau
    const control = distance(group(pdc, 0, ptc))
    claims.push({
      id: `${space}-prop3-collapse-without-tau`,
      description: `${space}, d_c = ${pdc} with σ_c = ${psc}, τ_c = τ_s: W's spectrum is collapsed`,
      expected: `mean |σ − σ(d_c = 0)| of W ≥ ${c.collapsedDistance}`,
      measured: f3(without),
      holds: without >= c.collapsedDistance,
    })
    claims.push({
      id: `${space}-prop3-tau-restores`,
      description: `${space}, d_c = ${pdc} with σ_c = ${psc}, τ_c = ${ptc}·τ_s${sphere ? ' without the ℓ2-normalisation' : ''}: W's spectrum matches the d_c = 0 one (Fig. 1 left dashed)`,
      expected: `mean |σ − σ(d_c = 0)| of W ≤ ${c.matchTolerance}`,
      measured: `${f3(withTau)} (τ_c = τ_s: ${f3(without)}; ${sphere ? `τ_c with the ℓ2-normalisation: ${f3(normalizedTau)}; ` : ''}δ content with the same τ_c: ${f3(control)})`,
      holds: withTau <= c.matchTolerance,
    })
    for (const { dc, sigmaC, tauC, unnormalized } of grid(config, space)) {
      const g = group(dc, sigmaC, tauC, unnormalized)
      if (g.length === 0) continue
      const ds = config.dims - Math.max(dc, 1)
      table.push(
        `| ${space}${unnormalized ? ' w/o ℓ2-norm' : ''} | ${dc} | ${sigmaC} | ${tauC / config.tauStyle} | ${f3(styleBlock(g, ds, 'endToEnd'))} | ${f3(styleBlock(g, ds, 'weights'))} | ${f3(distance(g))} | ${f3(styleBlock(g, ds, 'effective'))} | ${f3(mean(g.map((r) => r.finalLoss)))} |`,
      )
    }
  }
  const label = (r: SpectrumRun) => (r.contentSigma > 0 ? `d_c = ${r.contentDims}, σ_c = ${r.contentSigma}` : `d_c = ${r.contentDims}`) + (isUnnormalizedSphere(r) ? ', w/o ℓ2-norm' : '')
  const figure = async (which: 'weights' | 'endToEnd', title: string) =>
    renderVegaLiteSvg({
      title: { text: title, anchor: 'start' },
      data: {
        values: runs.flatMap((r) =>
          r[which].map((s, k) => ({ space: r.space, index: k + 1, value: s, run: label(r), tau: r.tauContent === config.tauStyle ? 'τ_c = τ_s' : `τ_c = ${r.tauContent}·τ_s`, seed: r.seed })),
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
          color: { field: 'run', type: 'nominal', title: null, legend: { labelLimit: 320 } },
          strokeDash: { field: 'tau', type: 'nominal', title: null, sort: ['τ_c = τ_s'], legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, encode: { symbols: { update: { stroke: { value: '#444' }, fill: { value: 'transparent' } } } } } },
        },
      },
    } as never)
  return {
    metrics: { runs },
    paper: { claim: 'Fig. 1 left: z^s collapses when d_c > 0 unless τ_c < τ_s; with τ_c < τ_s the spectrum equals the d_c = 0 one (qualitative, no numbers given)' },
    claims,
    figures: [
      { name: 'fig1-spectrum-weights', caption: "Normalised singular values of the learned W (solid τ_c = τ_s, dashed τ_c < τ_s) — the quantity of the paper's Fig. 1 left", svg: await figure('weights', 'Fig. 1 left: normalised singular values of the trained W') },
      { name: 'fig1-spectrum-end-to-end', caption: 'Normalised singular values of the end-to-end map W·A_g', svg: await figure('endToEnd', 'Normalised singular values of W·A_g (encoder ∘ generator)') },
    ],
    reportMarkdown: [
      '"Style block" = mean of the d − d_c smallest normalised singular values (mean over seeds); distances are mean |σ_k − σ_k(d_c = 0)| of W with the same seed (same g).',
      'With an unnormalised linear f a per-dimension τ is a reparametrisation: the loss sees diag(τ^-½)·W·A_g, so τ_c < τ_s changes how the learned W splits that map (last column), not the map itself. Read the τ claim as a statement about W, the quantity the paper plots.',
      '',
      ...table,
    ].join('\n'),
  }
}
