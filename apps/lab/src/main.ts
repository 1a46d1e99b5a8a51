/**
 * The lab's page: the settings form (kept in the URL), the training worker, and the live and final views. Everything
 * heavy runs in `worker.ts`; the page only draws a few small SVGs a second, so it stays responsive while training.
 */
import { LAB_EXPERIMENTS, type Experiment, type RunResult } from '@cl/reproduce/browser'
import { describeBackend } from './backends/describe.js'
import { blobUrl, revokeAll, setDownload } from './blob-links.js'
import { lossChartSvg } from './charts/loss-chart.js'
import { spectrumChartSvg } from './charts/spectrum-chart.js'
import { combineFigures } from './combine-figures.js'
import { SettingsForm } from './form.js'
import { LossSeries } from './loss-series.js'
import type { LabFigure, PageMessage, WorkerMessage } from './protocol.js'
import { resolveLabConfig } from './resolve-config.js'
import { DEFAULT_SETTINGS, settingsFromQuery, settingsToQuery, type LabBackendRequest, type LabSettings } from './settings.js'
import { toySettings } from './toy.js'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const experiments = LAB_EXPERIMENTS as readonly Experiment<unknown>[]
const form = new SettingsForm(experiments)
const ui = {
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  toy: $<HTMLButtonElement>('toy'),
  share: $<HTMLAnchorElement>('share'),
  error: $<HTMLParagraphElement>('error'),
  status: $<HTMLParagraphElement>('status'),
  backend: $<HTMLSpanElement>('backend'),
  speed: $<HTMLSpanElement>('speed'),
  tensors: $<HTMLSpanElement>('tensors'),
  lossChart: $<HTMLDivElement>('loss-chart'),
  spectrumChart: $<HTMLDivElement>('spectrum-chart'),
  spectrumCaption: $<HTMLElement>('spectrum-caption'),
  results: $<HTMLElement>('results'),
  downloadResult: $<HTMLAnchorElement>('download-result'),
  downloadFigures: $<HTMLAnchorElement>('download-figures'),
  claims: $<HTMLTableElement>('claims'),
  figures: $<HTMLDivElement>('figures'),
  report: $<HTMLPreElement>('report'),
  log: $<HTMLPreElement>('log'),
  title: $<HTMLParagraphElement>('experiment-title'),
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'done' | 'error'

const losses = new LossSeries()
let spectrum: { values: readonly number[]; caption: string } = { values: [], caption: '' }
let progress: Extract<WorkerMessage, { type: 'progress' }> | undefined
let worker: Worker | undefined
let workerBackend: LabBackendRequest | undefined
let runSettings: LabSettings | undefined
let drawPending = false

function showError(message: string | undefined): void {
  ui.error.hidden = message === undefined
  ui.error.textContent = message ?? ''
}

function setState(state: State, text: string): void {
  ui.status.dataset.state = state
  ui.status.textContent = text
  const training = state === 'starting' || state === 'running' || state === 'stopping'
  ui.run.disabled = training
  ui.stop.disabled = !(state === 'starting' || state === 'running')
  ui.resume.disabled = state !== 'stopped'
  form.setLocked(training)
}

function stepText(): string {
  if (progress === undefined) return 'step 0/?'
  return `job ${progress.jobIndex} ${progress.job} — step ${progress.step}/${progress.steps} — loss ${progress.loss.toFixed(4)}`
}

/** Redraw the charts at most once per frame-ish (messages may arrive faster than it is worth drawing). */
function scheduleDraw(): void {
  if (drawPending) return
  drawPending = true
  setTimeout(() => {
    drawPending = false
    ui.lossChart.innerHTML = lossChartSvg(losses.all, progress?.job)
    ui.lossChart.dataset.points = String(losses.size)
    ui.spectrumChart.innerHTML = spectrumChartSvg(spectrum.values, spectrum.caption)
    ui.spectrumChart.dataset.points = String(spectrum.values.length)
  }, 50)
}

/** Keep the address bar (and the share link) on the form's settings, so a copied URL restores them. */
function syncUrl(): LabSettings {
  const settings = form.read()
  const query = settingsToQuery(settings).toString()
  history.replaceState(null, '', `${location.pathname}?${query}`)
  ui.share.href = `?${query}`
  const e = experiments.find((x) => x.id === settings.experiment)
  ui.title.textContent = e === undefined ? '' : `${e.title} (${e.paperRef}): ${e.summary}`
  return settings
}

/** Validate the form as the worker will (schema, preflight); show the typed error, or clear it. */
function validate(settings: LabSettings): boolean {
  try {
    const e = experiments.find((x) => x.id === settings.experiment)!
    resolveLabConfig(e, settings)
    showError(undefined)
    return true
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error))
    return false
  }
}

function ensureWorker(request: LabBackendRequest): Worker {
  if (worker !== undefined && workerBackend === request) return worker
  // tfjs chooses its backend once per worker: another ?backend takes a fresh one.
  worker?.terminate()
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
  workerBackend = request
  worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => onWorkerMessage(event.data))
  worker.addEventListener('error', (event) => {
    showError(`the training worker failed: ${event.message || 'could not load worker.js'}`)
    setState('error', `error — ${stepText()}`)
  })
  return worker
}

function send(message: PageMessage): void {
  ensureWorker(runSettings?.backend ?? 'auto').postMessage(message)
}

function appendLog(line: string): void {
  const lines = (ui.log.textContent ?? '').split('\n').filter((l) => l !== '')
  lines.push(line)
  ui.log.textContent = lines.slice(-300).join('\n')
}

function onWorkerMessage(message: WorkerMessage): void {
  switch (message.type) {
    case 'backend':
      ui.backend.textContent = describeBackend(message.backend)
      ui.backend.dataset.backend = message.backend.name
      ui.backend.title = message.backend.detail
      appendLog(`backend: ${message.backend.name} (${message.backend.detail})`)
      return
    case 'progress':
      progress = message
      losses.add(message.job, message.losses)
      ui.speed.textContent = `${message.stepsPerSecond.toFixed(1)} steps/s`
      if (ui.status.dataset.state === 'starting' || ui.status.dataset.state === 'running') setState('running', `running — ${stepText()}`)
      scheduleDraw()
      return
    case 'spectrum':
      spectrum = { values: message.values, caption: `${message.matrix} of ${message.job}, step ${message.step}` }
      ui.spectrumCaption.textContent = `normalised singular values of ${message.matrix} (${message.job}), step ${message.step}`
      scheduleDraw()
      return
    case 'log':
      appendLog(message.line)
      return
    case 'stopped':
      ui.tensors.textContent = String(message.tensors)
      setState('stopped', `stopped — ${stepText()} (Resume continues from the last checkpoint)`)
      return
    case 'error':
      ui.tensors.textContent = String(message.tensors)
      showError(message.message)
      setState('error', `error — ${stepText()}`)
      return
    case 'done':
      ui.tensors.textContent = String(message.tensors)
      showResult(message.result, message.figures, message.report)
      setState('done', `done — ${stepText()} — ${message.result.timings.wallSeconds.toFixed(1)} s, ${message.result.claims.filter((c) => c.holds).length}/${message.result.claims.length} claims hold`)
      scheduleDraw()
      return
  }
}

function showResult(result: RunResult, figures: readonly LabFigure[], report: string): void {
  ui.results.hidden = false
  setDownload(ui.downloadResult, 'result.json', `${JSON.stringify(result, null, 2)}\n`, 'application/json')
  setDownload(ui.downloadFigures, `${result.experiment}-figures.svg`, combineFigures(figures), 'image/svg+xml')
  const body = ui.claims.tBodies[0]!
  body.replaceChildren(
    ...result.claims.map((c) => {
      const row = document.createElement('tr')
      for (const text of [c.description, c.expected, c.measured]) row.append(Object.assign(document.createElement('td'), { textContent: text }))
      row.append(Object.assign(document.createElement('td'), { textContent: c.holds ? 'yes' : 'no', className: c.holds ? 'holds' : 'fails' }))
      return row
    }),
  )
  ui.figures.replaceChildren(
    ...figures.map((f) => {
      const figure = document.createElement('figure')
      const url = blobUrl(f.svg, 'image/svg+xml')
      const img = Object.assign(document.createElement('img'), { src: url, alt: f.caption })
      const caption = document.createElement('figcaption')
      const link = Object.assign(document.createElement('a'), { href: url, download: `${f.name}.svg`, textContent: `${f.name}.svg`, className: 'download-figure' })
      caption.append(`${f.caption} `, link)
      figure.append(img, caption)
      return figure
    }),
  )
  ui.report.textContent = report
}

function resetViews(): void {
  revokeAll([ui.downloadResult, ui.downloadFigures])
  losses.clear()
  spectrum = { values: [], caption: '' }
  progress = undefined
  ui.results.hidden = true
  ui.claims.tBodies[0]!.replaceChildren()
  ui.figures.replaceChildren()
  ui.report.textContent = ''
  ui.speed.textContent = '– steps/s'
  scheduleDraw()
}

function run(): void {
  const settings = syncUrl()
  if (!validate(settings)) return
  if (runSettings !== undefined && runSettings.backend !== settings.backend) ui.backend.textContent = 'chosen when a run starts'
  runSettings = settings
  resetViews()
  setState('starting', 'starting — step 0/?')
  send({ type: 'run', settings })
}

form.form.addEventListener('submit', (event) => {
  event.preventDefault()
  run()
})
form.form.addEventListener('change', (event) => {
  const target = event.target as HTMLElement
  if (target.id === 'experiment' || target.id === 'preset') form.renderFields(form.read().fields)
  validate(syncUrl())
})
form.form.addEventListener('input', () => void syncUrl())
ui.stop.addEventListener('click', () => {
  setState('stopping', `stopping — ${stepText()}`)
  send({ type: 'stop' })
})
ui.resume.addEventListener('click', () => {
  setState('running', `running — ${stepText()}`)
  send({ type: 'resume' })
})
ui.toy.addEventListener('click', () => {
  const current = form.read()
  const toy = toySettings(current.experiment)
  form.write({ ...current, fields: { ...current.fields, ...toy.fields }, sets: [...new Set([...current.sets, ...toy.sets])] })
  validate(syncUrl())
})

// Start from the URL's settings (a shared link), or the defaults with the reason the URL was refused.
let initial: LabSettings = DEFAULT_SETTINGS
let urlError: string | undefined
try {
  initial = settingsFromQuery(new URLSearchParams(location.search))
} catch (error) {
  urlError = error instanceof Error ? error.message : String(error)
}
form.write(initial)
syncUrl()
if (urlError !== undefined) showError(urlError)
else validate(initial)
setState('idle', 'idle — step 0/0; press Run')
scheduleDraw()
