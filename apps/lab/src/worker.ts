/**
 * The lab's training worker (a module Web Worker): selects the tfjs backend once, runs `@cl/reproduce`'s experiments
 * — the very objects `cl-reproduce run` runs — with a `MemoryCheckpointStore`, streams progress to the page, stops at
 * the next step on request (checkpointing into the store) and resumes from it, and assembles result.json with the
 * runner's own `assembleResult`. Training here keeps the page responsive: `@cl/train` yields to the event loop after
 * every step, which is also when a `stop` message gets through.
 */
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { APP_VERSION, LAB_EXPERIMENTS, MemoryCheckpointStore, assembleResult, renderReport, setFigureRenderer, type Experiment } from '@cl/reproduce/browser'
import { selectLabBackend } from './backends/select.js'
import { webGpuDeviceLost } from './backends/webgpu.js'
import { canvasFigureRenderer } from './figure-renderer.js'
import { readSpectrum, spectrumLayerOf } from './live-spectrum.js'
import type { LabBackendInfo, PageMessage, WorkerMessage } from './protocol.js'
import { resolveLabConfig } from './resolve-config.js'
import type { LabBackendRequest, LabSettings } from './settings.js'
import { createStepTracker } from './step-tracker.js'
import { LAB_VERSION, browserVersion } from './version.js'

/** The worker's global scope, typed for the lab's messages (the DOM lib's `self` is a Window). */
const scope = self as unknown as {
  postMessage(message: WorkerMessage): void
  addEventListener(type: 'message', listener: (event: MessageEvent<PageMessage>) => void): void
}
const post = (message: WorkerMessage) => scope.postMessage(message)

setFigureRenderer(canvasFigureRenderer())

/** One run: fresh on `run`, continued by `resume` with the same store (finished jobs reused, the stopped one resumed). */
interface Session {
  readonly id: number
  readonly settings: LabSettings
  readonly experiment: Experiment<unknown>
  readonly config: unknown
  readonly store: MemoryCheckpointStore
  readonly startedAt: Date
  /** One tracker for the whole run, so jobs keep their numbers across Stop / Resume. */
  readonly tracker: ReturnType<typeof createStepTracker>
  controller?: AbortController
  running: boolean
}

let backend: { readonly request: LabBackendRequest; readonly info: LabBackendInfo } | undefined
let session: Session | undefined
let sessions = 0

function experimentOf(id: string): Experiment<unknown> {
  const e = LAB_EXPERIMENTS.find((x) => x.id === id)
  if (e === undefined) throw new Error(`unknown experiment '${id}' (one of: ${LAB_EXPERIMENTS.map((x) => x.id).join(', ')})`)
  return e as Experiment<unknown>
}

function fail(error: unknown): void {
  let message = error instanceof Error ? error.message : String(error)
  const lost = backend?.info.name === 'webgpu' ? webGpuDeviceLost() : undefined
  if (lost !== undefined) {
    message += ` — the WebGPU device was lost (${lost}). tfjs-webgpu's synchronous reads (dataSync) lose it on Chromium's software adapter; run with ?backend=webgl or ?backend=wasm`
  }
  const field = (error as { field?: unknown } | null)?.field
  post({ type: 'error', message, ...(typeof field === 'string' ? { field } : {}), tensors: tf.memory().numTensors })
}

async function runSession(s: Session): Promise<void> {
  s.running = true
  const controller = new AbortController()
  s.controller = controller
  try {
    if (backend === undefined) {
      backend = { request: s.settings.backend, info: await selectLabBackend(s.settings.backend, s.experiment.requiredKernels) }
      post({ type: 'backend', backend: backend.info })
    } else if (backend.request !== s.settings.backend) {
      throw new Error(`this worker trains on ${backend.info.name}; a different ?backend needs a new worker (reload the page)`)
    }
    const info = backend.info
    const output = await s.experiment.run({
      config: s.config,
      preset: s.settings.preset,
      seeds: [s.settings.seed],
      backend: { backend: info.name, detail: info.detail, forced: info.forced, attempts: info.attempts },
      runDir: `browser:${s.id}`,
      store: s.store,
      onTrainStep: s.tracker.onTrainStep,
      log: (line) => post({ type: 'log', line }),
      signal: controller.signal,
    })
    if (controller.signal.aborted) {
      post({ type: 'stopped', reason: String(controller.signal.reason), tensors: tf.memory().numTensors })
      return
    }
    const figures = output.figures.map((f) => ({ name: f.name, caption: f.caption, svg: f.svg }))
    const result = assembleResult({
      experiment: s.experiment,
      preset: s.settings.preset,
      seeds: [s.settings.seed],
      backend: { name: info.name, detail: info.detail, forced: info.forced, attempts: info.attempts },
      config: s.config,
      versions: { browser: browserVersion(), tfjs: tf.version.tfjs, app: `${APP_VERSION} (lab ${LAB_VERSION})` },
      timings: { startedAt: s.startedAt, finishedAt: new Date() },
      output,
      figures: figures.map((f) => ({ name: f.name, caption: f.caption, file: `${f.name}.svg` })),
    })
    post({ type: 'done', result, figures, report: renderReport(result, output.reportMarkdown), tensors: tf.memory().numTensors })
  } catch (error) {
    if (isClError(error, 'CL_INTERRUPTED') || controller.signal.aborted) {
      post({ type: 'stopped', reason: String(controller.signal.reason ?? 'stopped'), tensors: tf.memory().numTensors })
    } else {
      fail(error)
    }
  } finally {
    s.running = false
  }
}

scope.addEventListener('message', (event: MessageEvent<PageMessage>) => {
  const message = event.data
  switch (message.type) {
    case 'run': {
      if (session?.running === true) return fail(new Error('a run is in progress: stop it first'))
      try {
        const experiment = experimentOf(message.settings.experiment)
        const config = resolveLabConfig(experiment, message.settings)
        sessions += 1
        const settings = message.settings
        const tracker = createStepTracker({
          every: settings.every,
          minIntervalMs: 100,
          now: () => performance.now(),
          post,
          readSpectrum: (variables) => readSpectrum(variables, spectrumLayerOf(settings.experiment)),
          onReadError: (error) => post({ type: 'log', line: `live spectrum not read: ${error instanceof Error ? error.message : String(error)}` }),
        })
        session = { id: sessions, settings, experiment, config, store: new MemoryCheckpointStore(), startedAt: new Date(), tracker, running: false }
      } catch (error) {
        return fail(error)
      }
      void runSession(session)
      return
    }
    case 'stop':
      session?.controller?.abort('stopped from the page')
      return
    case 'resume':
      if (session === undefined) return fail(new Error('nothing to resume: press Run first'))
      if (session.running) return
      void runSession(session)
      return
  }
})
