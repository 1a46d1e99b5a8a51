import type { StepInfo } from '@cl/train'

/** Receives training progress; `update` is called every step, `stop` once. */
export interface ProgressReporter {
  update(step: number, loss: number): void
  stop(): void
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

/** A terminal progress bar: `format` has the placeholders {bar} {value} {total} {loss} {rate} {etaText}. */
export interface TtyProgressBar {
  start(total: number, value: number, payload: Record<string, string>): void
  update(value: number, payload: Record<string, string>): void
  stop(): void
}

/** Makes the terminal bar; installed by the CLI (train/tty-progress-bar.ts), absent in browsers. */
export type TtyProgressBarFactory = (format: string) => TtyProgressBar

let ttyBar: TtyProgressBarFactory | undefined

/** Install (or, with undefined, remove) the terminal progress bar; returns the one installed before. */
export function setTtyProgressBar(factory: TtyProgressBarFactory | undefined): TtyProgressBarFactory | undefined {
  const before = ttyBar
  ttyBar = factory
  return before
}

function stderrIsTty(): boolean {
  return Boolean((globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process?.stderr?.isTTY)
}

/**
 * A progress bar (step, loss, steps/s, ETA) on a TTY, when one is installed ({@link setTtyProgressBar}); periodic log
 * lines (every `intervalSeconds`) otherwise, so CI logs and redirected output stay readable.
 */
export function createProgress(options: {
  label: string
  total: number
  startStep?: number
  log: (line: string) => void
  tty?: boolean
  intervalSeconds?: number
  now?: () => number
}): ProgressReporter {
  const now = options.now ?? (() => performance.now() / 1000)
  const start = now()
  const first = options.startStep ?? 0
  const rate = (step: number) => (step - first) / Math.max(now() - start, 1e-9)
  const makeBar = ttyBar
  if (makeBar !== undefined && (options.tty ?? stderrIsTty())) {
    const bar = makeBar(`${options.label} [{bar}] {value}/{total} loss {loss} | {rate} steps/s | ETA {etaText}`)
    bar.start(options.total, first, { loss: '-', rate: '-', etaText: '?' })
    return {
      update(step, loss) {
        const r = rate(step)
        bar.update(step, { loss: loss.toFixed(4), rate: r.toFixed(2), etaText: formatEta((options.total - step) / r) })
      },
      stop: () => bar.stop(),
    }
  }
  const interval = options.intervalSeconds ?? 10
  let lastLog = start
  let lastStep = first
  let lastLoss = Number.NaN
  const line = (step: number, loss: number) => {
    const r = rate(step)
    options.log(`${options.label} step ${step}/${options.total} loss ${loss.toFixed(4)} ${r.toFixed(2)} steps/s ETA ${formatEta((options.total - step) / r)}`)
  }
  return {
    update(step, loss) {
      lastStep = step
      lastLoss = loss
      if (now() - lastLog >= interval) {
        lastLog = now()
        line(step, loss)
      }
    },
    stop() {
      if (lastStep > first) line(lastStep, lastLoss)
    },
  }
}

/**
 * A `@cl/train` `onStep` hook that drives {@link createProgress}; the bar starts at the first step, from the step the
 * job resumed at (logged once). Call `stop` when training ends, however it ends.
 */
export function trainProgress(options: { label: string; log: (line: string) => void; tty?: boolean }): { onStep: (info: StepInfo) => void; stop: () => void } {
  let progress: ProgressReporter | undefined
  return {
    onStep(info) {
      if (progress === undefined) {
        if (info.startStep > 0) options.log(`${info.key}: resumed at step ${info.startStep}/${info.steps}`)
        progress = createProgress({ label: options.label, total: info.steps, startStep: info.startStep, log: options.log, ...(options.tty !== undefined ? { tty: options.tty } : {}) })
      }
      progress.update(info.step, info.loss)
    },
    stop() {
      progress?.stop()
    },
  }
}
