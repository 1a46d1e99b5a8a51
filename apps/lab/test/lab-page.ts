import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { artifactPath } from './chromium.js'

/** The lab's states (`#status[data-state]`). */
export type LabState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'done' | 'error'

/** One `#status` text the page showed, with its state and the `step N/M` parsed from it. */
export interface StatusSample {
  readonly state: string
  readonly text: string
  readonly job?: string
  readonly step?: number
  readonly steps?: number
}

/** The lab URL for settings given as query parameters (the lab's shareable-URL format, `settings.ts`). */
export function labUrl(base: string, query: Readonly<Record<string, string | number | readonly string[]>>): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, String(v))
  }
  return `${base}index.html?${q.toString()}`
}

/** Open the lab and start recording every `#status` change (a MutationObserver in the page). */
export async function openLab(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForSelector('#status[data-state="idle"]')
  await page.evaluate(() => {
    const status = document.getElementById('status')!
    const seen: { state: string; text: string; t: number }[] = []
    const clicks: { id: string; t: number }[] = []
    Object.assign(window, { __statusLog: seen, __clicks: clicks })
    const record = () => seen.push({ state: status.dataset.state ?? '', text: status.textContent ?? '', t: performance.now() })
    new MutationObserver(record).observe(status, { childList: true, characterData: true, subtree: true, attributes: true })
    // event.timeStamp: when the browser created the input event (same clock as performance.now())
    document.addEventListener('click', (e) => clicks.push({ id: (e.target as HTMLElement).id, t: e.timeStamp }), { capture: true })
  })
}

/**
 * Milliseconds from the last real click on `#<id>` (its input event's timestamp) to the first `#status` change to
 * one of `states` after it: how long the page took to answer that click.
 */
export async function clickAnswerMs(page: Page, id: string, states: readonly LabState[]): Promise<number> {
  return page.evaluate(
    ([id, states]) => {
      const w = window as unknown as { __statusLog: { state: string; t: number }[]; __clicks: { id: string; t: number }[] }
      const click = w.__clicks.filter((c) => c.id === id).at(-1)
      if (click === undefined) throw new Error(`no click on #${id} was seen`)
      const answer = w.__statusLog.find((s) => s.t >= click.t && (states as string[]).includes(s.state))
      if (answer === undefined) throw new Error(`#status never became ${states.join(' or ')} after the click on #${id}`)
      return answer.t - click.t
    },
    [id, [...states]] as const,
  )
}

/** Every `#status` the page showed since {@link openLab}, in order. */
export async function statusLog(page: Page): Promise<StatusSample[]> {
  const raw = await page.evaluate(() => (window as unknown as { __statusLog: { state: string; text: string }[] }).__statusLog.map(({ state, text }) => ({ state, text })))
  return raw.map(({ state, text }) => {
    const m = /job \d+ (\S+) — step (\d+)\/(\d+)/.exec(text)
    return m === null ? { state, text } : { state, text, job: m[1]!, step: Number(m[2]), steps: Number(m[3]) }
  })
}

/** Wait until `#status[data-state]` is one of `states` (an `error` state fails at once, with `#error`'s text). */
export async function waitForState(page: Page, states: readonly LabState[], timeoutMs: number): Promise<LabState> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const state = document.getElementById('status')?.dataset.state ?? ''
      return (wanted as string[]).includes(state) || state === 'error' ? state : false
    },
    [...states],
    { timeout: timeoutMs, polling: 50 },
  )
  const state = (await handle.jsonValue()) as LabState
  if (state === 'error' && !states.includes('error')) {
    const error = await page.textContent('#error')
    throw new Error(`the lab reports an error: ${error ?? '(no #error text)'}`)
  }
  return state
}

/** The current `step N` of the status line (0 before the first progress message). */
export async function currentStep(page: Page): Promise<number> {
  const text = (await page.textContent('#status')) ?? ''
  return Number(/step (\d+)\//.exec(text)?.[1] ?? 0)
}

/** Click a download link and return the downloaded file's text (saved under artifacts/ as `name`). */
export async function download(page: Page, selector: string, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)])
  const path = artifactPath(name)
  await file.saveAs(path)
  return readFileSync(path, 'utf8')
}

/**
 * How long the page's main thread takes to answer: the worst delay of a 0 ms timer, sampled for `ms` milliseconds
 * (a frozen page, e.g. training on the main thread, shows delays of whole training steps).
 */
export async function mainThreadLag(page: Page, ms: number): Promise<number> {
  return page.evaluate(async (duration) => {
    let worst = 0
    const end = performance.now() + duration
    while (performance.now() < end) {
      const t = performance.now()
      await new Promise((resolve) => setTimeout(resolve, 0))
      worst = Math.max(worst, performance.now() - t)
    }
    return worst
  }, ms)
}
