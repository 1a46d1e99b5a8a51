import type { ExperimentOutput } from '../experiment.js'
import { meanStd } from '../stats.js'
import { meanError, theoryDynamicsClaims } from './claims.js'
import type { TheoryDynamicsConfig } from './config.js'
import { theoryDynamicsFigures } from './figures.js'
import { weightPoints, type DynamicsSweep } from './sweep.js'

/** The paper DGP of this experiment, in words. */
export function theoryDynamicsPaperDgp(config: TheoryDynamicsConfig): string {
  return `paper §4.1 linear DGP on the box: uniform marginal, δ content (d_c = ${config.contentDims}), box-truncated normal style conditional (σ_s = ${config.sigmaStyle}), linear g (d = ${config.dims})`
}

/** Claims, metrics, report and figures of the M sweep. Exported for claim tests on constructed samples. */
export async function summarizeDynamics(config: TheoryDynamicsConfig, sweep: DynamicsSweep): Promise<ExperimentOutput> {
  const { samples, predicted } = sweep
  const f = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : '–')
  const table = [
    '| W | gradient | M | error to own limit (population Σ) | error to own limit (batch estimates) | error to the other limit |',
    '|---|---|---|---|---|---|',
  ]
  for (const p of weightPoints(config)) {
    for (const kind of ['paper', 'full'] as const) {
      for (const m of config.negatives) {
        table.push(`| ${p.label} | ${kind} | ${m} | ${f(meanError(samples, p.scale, kind, m, 'errorPopulation'))} | ${f(meanError(samples, p.scale, kind, m, 'errorBatch'))} | ${f(meanError(samples, p.scale, kind, m, 'errorOtherLimit'))} |`)
      }
    }
  }
  const seeds = new Set(samples.map((s) => s.seed)).size
  const v = sweep.covariances[0]
  return {
    metrics: {
      dgp: { paper: theoryDynamicsPaperDgp(config) },
      normalisation: 'L = per-anchor mean of eq. (4) (eq4Loss); compared: −∂L/∂W vs W[kΣ_x − Σ_x̃], k = 1 (paper, negatives constant) or 2 (full autodiff); the paper sums eq. (4) over its M + 1 anchors, hence its factor (M + 1)',
      covariances: sweep.covariances,
      summary: weightPoints(config).flatMap((p) =>
        (['paper', 'full'] as const).flatMap((kind) =>
          config.negatives.map((m) => ({
            weights: p.label,
            kind,
            negatives: m,
            errorPopulation: meanStd(samples.filter((s) => s.weights === p.label && s.kind === kind && s.negatives === m).map((s) => s.errorPopulation)),
            errorBatch: meanStd(samples.filter((s) => s.weights === p.label && s.kind === kind && s.negatives === m).map((s) => s.errorBatch)),
            errorOtherLimit: meanStd(samples.filter((s) => s.weights === p.label && s.kind === kind && s.negatives === m).map((s) => s.errorOtherLimit)),
          })),
        ),
      ),
      samples,
      predicted,
    },
    paper: { lemma5: 'dW/dt = W (M+1) [Σ_x − Σ_x̃] for M → ∞ (Appx. C eq. 5/14; eq. 4 summed over the M + 1 anchors, negatives held constant in eq. 7); no numbers given' },
    claims: theoryDynamicsClaims(config, samples),
    figures: await theoryDynamicsFigures(config, samples, predicted),
    reportMarkdown: [
      `DGP: ${theoryDynamicsPaperDgp(config)}; ${seeds} seed${seeds === 1 ? '' : 's'} × ${config.batches} batches per M.`,
      '',
      'Normalisation: L is the per-anchor mean of eq. (4) (`eq4Loss`), so the limits carry no (M + 1) factor; the paper sums over the M + 1 anchors. Σ_x = Cov(x) = A·diag(1/12)·Aᵀ, Σ_x̃ = E[(x − x̃)(x − x̃)ᵀ] = A·diag(E[(z̃ − z)²])·Aᵀ' +
        (v !== undefined ? ` (E[(z̃ − z)²] = ${v.latentConditional.map((x) => x.toPrecision(4)).join(', ')}: the truncation to the box makes the style value slightly below σ_s²)` : '') +
        '.',
      "Two gradients: the paper's (eq. 7 treats the negatives z_j as constants; a stop-gradient on them) → W[Σ_x − Σ_x̃], and full autodiff of eq. (4), where each z_j also receives α_ij(z_i − z_j), which adds another −W·Σ_x: → W[2Σ_x − Σ_x̃]. With α uniform (small W) both hold exactly at finite M with the batch's own estimates, times M/(M+1) (the batch column); the population column adds the sampling error of the estimates (≈ √((d+1)/N)). For larger W, α_ij ∝ e^{−‖z_i − z_j‖²/2} is not uniform whatever M is, so the error levels off at a floor that grows with the scale.",
      '',
      ...table,
    ].join('\n'),
  }
}
