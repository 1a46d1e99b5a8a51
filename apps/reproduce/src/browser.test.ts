import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { InterruptedError } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_VERSION,
  LAB_EXPERIMENTS,
  MemoryCheckpointStore,
  assembleResult,
  renderReport,
  resolveConfig,
  resultSchema,
  setFigureRenderer,
  useReproduceKernels,
  type Experiment,
  type ExperimentContext,
  type ExperimentOutput,
  type Fig1SpectrumConfig,
  type TrainStepInfo,
} from './browser.js'
import { runExperiments } from './run/runner.js'

// What the browser lab does, through `@cl/reproduce/browser` only: fig1-spectrum (§4.1, Fig. 1 left) at a toy size
// with an in-memory checkpoint store and a live per-step callback; result.json assembled in the browser's way.

const STEPS = 3
const JOBS = 13
/**
 * d = 4, d_c ∈ {0, 2}, 3 steps of batch 16 per job on both spaces: 13 jobs (per space the d_c sweep, the Prop. 3 pair
 * and δ control, the adaptive-τ run; on the sphere also τ_c without ℓ2-norm).
 */
const overrides = {
  dims: 4,
  contentDims: [0, 2],
  generator: { thresholdDraws: 20 },
  spaces: { box: { train: { steps: STEPS, batchSize: 16 } }, sphere: { train: { steps: STEPS, batchSize: 16 } } },
}
const backend = { backend: 'cpu', detail: 'test', forced: true, attempts: [{ backend: 'cpu', outcome: 'selected' as const, reason: 'test' }] }

const fig1Spectrum = LAB_EXPERIMENTS.find((e) => e.id === 'fig1-spectrum') as Experiment<Fig1SpectrumConfig>
const config = resolveConfig(fig1Spectrum, 'quick', overrides)

function context(store: MemoryCheckpointStore, signal: AbortSignal, onTrainStep?: (info: TrainStepInfo) => void): ExperimentContext<Fig1SpectrumConfig> {
  return { config, preset: 'quick', seeds: [7], backend, runDir: 'browser:test', store, log: () => {}, signal, ...(onTrainStep !== undefined ? { onTrainStep } : {}) }
}

/** A canvas-like measure (no resvg) and no rasterizer, as in the lab; the vitest setup's resvg renderer is restored after. */
let restore: ReturnType<typeof setFigureRenderer>
beforeAll(async () => {
  await tf.setBackend('cpu')
  // the kernels the CLI's backend selection installs (here: the fused InfoNCE kernel on cpu)
  expect(useReproduceKernels('cpu')).toEqual({ fusedInfoNce: true })
  restore = setFigureRenderer({ measureText: (text, fontSize) => 0.6 * fontSize * text.length })
})
afterAll(() => {
  setFigureRenderer(restore)
})

describe('@cl/reproduce/browser: the CLI experiments, run the way the lab runs them', () => {
  it('offers fig1-spectrum, fig1-r2-box, fig1-r2-sphere and table1, with their presets and config schemas', () => {
    expect(LAB_EXPERIMENTS.map((e) => e.id)).toEqual(['fig1-spectrum', 'fig1-r2-box', 'fig1-r2-sphere', 'table1'])
    for (const e of LAB_EXPERIMENTS) expect(e.configSchema.safeParse(e.presets.quick).success).toBe(true)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { dims: 4, contentDims: [0, 5] })).toThrow(/^invalid config\.contentDims\.1/)
  })

  let output: ExperimentOutput
  let started: Date
  let finished: Date

  it('trains fig1-spectrum with a MemoryCheckpointStore, calling onTrainStep after every step with readable variables, leak-free', async () => {
    const steps = new Map<string, number[]>()
    const kernels: number[][] = []
    const store = new MemoryCheckpointStore()
    const before = tf.memory().numTensors
    started = new Date()
    output = await fig1Spectrum.run(
      context(store, new AbortController().signal, (info) => {
        expect(info.steps).toBe(STEPS)
        expect(Number.isFinite(info.loss)).toBe(true)
        steps.set(info.job, [...(steps.get(info.job) ?? []), info.step])
        // what the lab's spectrum view reads: the linear encoder's W, synchronously, inside the callback
        const w = info.variables.get('dense_0/kernel')!
        expect(w.shape).toEqual([4, 4])
        kernels.push(Array.from(tf.tidy(() => w.transpose().dataSync())))
      }),
    )
    finished = new Date()
    expect(tf.memory().numTensors).toBe(before)
    const runs = output.metrics.runs as { space: string }[]
    expect(steps.size).toBe(runs.length)
    expect(runs.length).toBe(JOBS)
    for (const [, seen] of steps) expect(seen).toEqual([1, 2, 3])
    // W changes from step to step (training happens between the callbacks)
    expect(kernels[1]).not.toEqual(kernels[0])
    // a stored result per job: the lab's Resume finds them
    expect(output.figures.length).toBeGreaterThan(0)
    for (const f of output.figures) {
      expect(f.svg.startsWith('<svg')).toBe(true)
      expect(f.png).toBeUndefined()
    }
  })

  it('assembles a result.json that resultSchema validates, recording the browser instead of Node', () => {
    const result = assembleResult({
      experiment: fig1Spectrum,
      preset: 'quick',
      seeds: [7],
      backend: { name: backend.backend, detail: backend.detail, forced: backend.forced, attempts: backend.attempts },
      config,
      versions: { browser: 'HeadlessChrome/0 (test)', tfjs: tf.version.tfjs, app: APP_VERSION },
      timings: { startedAt: started, finishedAt: finished },
      output,
      figures: output.figures.map((f) => ({ name: f.name, caption: f.caption, file: `${f.name}.svg` })),
    })
    expect(resultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result)
    expect(result).toMatchObject({ experiment: 'fig1-spectrum', backend: { name: 'cpu' }, versions: { browser: 'HeadlessChrome/0 (test)' } })
    expect(result.versions.node).toBeUndefined()
    expect(result.timings.wallSeconds).toBeGreaterThanOrEqual(0)
    expect(renderReport(result, output.reportMarkdown)).toMatch(/tfjs [\d.]+, browser HeadlessChrome\/0 \(test\)\./)
    const base = { experiment: fig1Spectrum, preset: 'quick' as const, seeds: [7], backend: result.backend, config, timings: { startedAt: started, finishedAt: finished }, output, figures: [] }
    expect(() => assembleResult({ ...base, versions: { tfjs: '4', app: '0' } })).toThrow(/versions\.node/)
    expect(() => assembleResult({ ...base, versions: { node: 'v20', browser: 'x', tfjs: '4', app: '0' } })).toThrow(/exactly one of versions\.node/)
  })

  it('stops at a step (Stop) and resumes from the same store (Resume) to the numbers of an uninterrupted run', async () => {
    const store = new MemoryCheckpointStore()
    const controller = new AbortController()
    let calls = 0
    const stopping = context(store, controller.signal, () => {
      if (++calls === 5) controller.abort('stop button')
    })
    await expect(fig1Spectrum.run(stopping)).rejects.toBeInstanceOf(InterruptedError)
    const resumedSteps: string[] = []
    const resumed = await fig1Spectrum.run(context(store, new AbortController().signal, (info) => resumedSteps.push(`${info.job}@${info.step}`)))
    expect(resumed.metrics).toEqual(output.metrics)
    // the finished first job is not trained again; the second, stopped after its step 2, continues at step 3
    expect(resumedSteps[0]).toMatch(/@3$/)
    expect(resumedSteps).toHaveLength(JOBS * STEPS - 5)
    const again: string[] = []
    await fig1Spectrum.run(context(store, new AbortController().signal, (info) => again.push(info.job)))
    expect(again).toEqual([])
  })

  it('gives the metrics the CLI runner gives for the same seed, config and backend', async () => {
    const [cli] = await runExperiments([fig1Spectrum], {
      preset: 'quick',
      seed: 7,
      seeds: 1,
      backend: 'cpu',
      out: path.join(mkdtempSync(path.join(tmpdir(), 'cl-browser-cli-')), 'run'),
      overrides,
      log: () => {},
      appVersion: APP_VERSION,
    })
    expect(cli!.result.metrics).toEqual(JSON.parse(JSON.stringify(output.metrics)))
    expect(cli!.result.versions.node).toBe(process.version)
  })
})
