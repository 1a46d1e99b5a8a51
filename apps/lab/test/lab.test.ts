import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resultSchema } from '@cl/reproduce/browser'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeBrowser, LAB_DIST } from './browser-env.js'
import { artifactPath, launchChromium, openPage } from './chromium.js'
import { cliResult } from './cli-result.js'
import { clickAnswerMs, currentStep, download, labUrl, mainThreadLag, openLab, statusLog, waitForState, type StatusSample } from './lab-page.js'
import { numericDifferences } from './numeric-diff.js'
import { serveStatic, type StaticServer } from './static-server.js'

/**
 * Fig. 1 left (§4.1) at toy size — the lab's "Toy size" (d = 4, d_c = 2, batch 32, 50 steps, a cheap g) — given as
 * the lab's URL fields, and the same config as `cl-reproduce run --set` keys (the lab's field → key table, README).
 */
const SEED = 3
const TOY_QUERY = { exp: 'fig1-spectrum', seed: SEED, k: 5, d: 4, dc: 2, batch: 32, steps: 50, set: ['generator.thresholdDraws=50'] }
const CLI_SETS = [
  'dims=4',
  'contentDims=[0,2]',
  'prop3.contentDims=2',
  'spaces.box.train.batchSize=32',
  'spaces.sphere.train.batchSize=32',
  'spaces.box.train.steps=50',
  'spaces.sphere.train.steps=50',
  'generator.thresholdDraws=50',
]
/** The issue's tolerance for the lab's numbers against the CLI's (same seed, same backend). */
const TOLERANCE = 1e-4
const RUN_MS = 240_000
/** `CL_UPDATE_SCREENSHOTS=1` also writes the README's screenshot (docs/figures/lab.png) from the live run. */
const README_SCREENSHOT = fileURLToPath(new URL('../../../docs/figures/lab.png', import.meta.url))

/** Steps shown while one job was training: they must rise, and be seen between 0 and the job's last step. */
function assertStepsAdvanced(samples: readonly StatusSample[]): void {
  const running = samples.filter((s) => s.state === 'running' && s.step !== undefined)
  expect(running.length, 'status updates while running').toBeGreaterThan(1)
  const byJob = new Map<string, StatusSample[]>()
  for (const s of running) byJob.set(s.job!, [...(byJob.get(s.job!) ?? []), s])
  const advanced = [...byJob.values()].some((seen) => seen.length > 1 && seen.at(-1)!.step! > seen[0]!.step!)
  expect(advanced, `a job's step rose while running: ${running.map((s) => `${s.job}:${s.step}`).join(' ')}`).toBe(true)
}

/** The parts of two result.json files that must agree for the same seed, config and backend. */
function expectSameRun(lab: Record<string, unknown>, cli: Record<string, unknown>): void {
  expect(lab.config, 'the lab resolves the URL to the config the CLI resolves the --set keys to').toEqual(cli.config)
  expect(numericDifferences(lab.metrics, cli.metrics, TOLERANCE), `metrics differ beyond ${TOLERANCE}`).toEqual([])
  const claims = (r: Record<string, unknown>) => (r.claims as { id: string; holds: boolean }[]).map((c) => [c.id, c.holds])
  expect(claims(lab)).toEqual(claims(cli))
}

describeBrowser('the lab in headless chromium', { lab: true, cli: true }, () => {
  let server: StaticServer
  beforeAll(async () => {
    server = await serveStatic(LAB_DIST)
  })
  afterAll(async () => server?.close())

  describe('wasm (?backend=wasm) against the CLI', () => {
    let browser: Browser
    let cli: Promise<Record<string, unknown>>
    beforeAll(async () => {
      cli = cliResult('fig1-spectrum', { backend: 'wasm', seed: SEED, sets: CLI_SETS })
      cli.catch(() => {}) // awaited (and reported) by the tests
      browser = await launchChromium({ webgpu: false })
    })
    afterAll(async () => browser?.close())

    it('runs fig1-spectrum live: steps advance, both charts fill, result.json validates and equals the CLI run', async () => {
      const { page, log } = await openPage(browser)
      try {
        await openLab(page, labUrl(server.url, { ...TOY_QUERY, backend: 'wasm' }))
        const t0 = performance.now()
        await page.click('#run')
        await waitForState(page, ['done'], RUN_MS)
        const seconds = (performance.now() - t0) / 1000
        await page.screenshot({ path: artifactPath('wasm-done.png'), fullPage: true })

        assertStepsAdvanced(await statusLog(page))
        expect(Number(await page.getAttribute('#loss-chart', 'data-points'))).toBeGreaterThan(0)
        expect(Number(await page.getAttribute('#spectrum-chart', 'data-points'))).toBeGreaterThan(0)
        expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm')
        expect(await page.textContent('#backend')).toMatch(/^wasm \(forced by \?backend=wasm\)/)

        const lab = resultSchema.parse(JSON.parse(await download(page, '#download-result', 'wasm-result.json')))
        expect(lab.versions.browser).toMatch(/HeadlessChrome\/156/)
        expect(lab.backend).toMatchObject({ name: 'wasm', forced: true })
        expect(lab.seeds).toEqual([SEED])
        const figures = await download(page, '#download-figures', 'wasm-figures.svg')
        expect(/^(?:<\?xml[^>]*\?>\s*)?<svg[\s\S]*<\/svg>\s*$/.test(figures), 'figures.svg is one SVG document').toBe(true)

        const reference = resultSchema.parse(await cli)
        expect(reference.backend.name).toBe('wasm')
        expectSameRun(lab, reference)
        writeFileSync(artifactPath('cli-result.json'), `${JSON.stringify(reference, null, 2)}\n`)
        const differing = numericDifferences(lab.metrics, reference.metrics, 0).length
        console.info(`lab wasm toy fig1-spectrum: ${seconds.toFixed(1)} s in the page (${lab.timings.wallSeconds.toFixed(1)} s in the experiment), CLI ${reference.timings.wallSeconds.toFixed(1)} s; metrics values differing at all: ${differing}`)
      } catch (error) {
        throw new Error(`${(error as Error).message}\npage console:\n${log.join('\n')}`, { cause: error })
      } finally {
        await page.context().close()
      }
    }, RUN_MS + 60_000)

    it('Stop mid-run keeps the page responsive; Resume finishes the run with the same numbers', async () => {
      const { page, log } = await openPage(browser)
      try {
        await openLab(page, labUrl(server.url, { ...TOY_QUERY, backend: 'wasm' }))
        await page.click('#run')
        await page.waitForFunction(() => /job [2-9]\d* .* — step [1-9]/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: RUN_MS, polling: 20 })
        const lag = await mainThreadLag(page, 500)
        await page.screenshot({ path: artifactPath('wasm-running.png'), fullPage: false })
        if (process.env.CL_UPDATE_SCREENSHOTS === '1') {
          mkdirSync(dirname(README_SCREENSHOT), { recursive: true })
          copyFileSync(artifactPath('wasm-running.png'), README_SCREENSHOT)
        }

        await page.click('#stop')
        await waitForState(page, ['stopped'], 30_000)
        const answeredMs = await clickAnswerMs(page, 'stop', ['stopping', 'stopped'])
        const stoppedMs = await clickAnswerMs(page, 'stop', ['stopped'])
        const stoppedAt = await currentStep(page)
        expect(await page.isEnabled('#resume')).toBe(true)
        // the page still answers while the worker is idle, and a setting can be changed
        expect(await mainThreadLag(page, 200)).toBeLessThan(1_000)

        await page.click('#resume')
        await waitForState(page, ['done'], RUN_MS)
        const samples = await statusLog(page)
        expect(samples.some((s) => s.state === 'stopped')).toBe(true)
        const lab = resultSchema.parse(JSON.parse(await download(page, '#download-result', 'wasm-resumed-result.json')))
        expectSameRun(lab, resultSchema.parse(await cli))
        expect(lag, 'main-thread timer delay while training (ms)').toBeLessThan(1_000)
        expect(answeredMs, 'the Stop click handler answered (ms)').toBeLessThan(1_000)
        console.info(`stop: the page answered the click in ${answeredMs.toFixed(0)} ms, the worker stopped ${stoppedMs.toFixed(0)} ms after it (step ${stoppedAt}); main-thread timer lag while training ${lag.toFixed(0)} ms`)
      } catch (error) {
        throw new Error(`${(error as Error).message}\npage console:\n${log.join('\n')}`, { cause: error })
      } finally {
        await page.context().close()
      }
    }, 2 * RUN_MS)
  })

  describe('with the WebGPU flags (SwiftShader)', () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await launchChromium({ webgpu: true })
    })
    afterAll(async () => browser?.close())

    it('?backend=webgpu trains on the SwiftShader adapter: the backend shown is webgpu and steps advance (a lost device is named)', async () => {
      const { page, log } = await openPage(browser)
      try {
        await openLab(page, labUrl(server.url, { ...TOY_QUERY, backend: 'webgpu' }))
        await page.click('#run')
        await page.waitForFunction(() => /job \d+ \S+ — step (?:[2-9]\d|\d{3})\//.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: RUN_MS, polling: 50 })
        await page.screenshot({ path: artifactPath('webgpu-running.png'), fullPage: false })
        expect(await page.getAttribute('#backend', 'data-backend')).toBe('webgpu')
        expect(await page.textContent('#backend')).toMatch(/^webgpu \(forced by \?backend=webgpu\) — software adapter: /)
        assertStepsAdvanced(await statusLog(page))
        expect(Number(await page.getAttribute('#loss-chart', 'data-points'))).toBeGreaterThan(0)
        // On SwiftShader the run may end in a lost device: tfjs-webgpu's synchronous read (dataSync, used by the
        // experiments for small matrices) goes through an OffscreenCanvas, and Chromium cannot create the shared image
        // for it (docs/lab/chromium.md). The lab must then name the cause and the backends that work.
        const end = await waitForState(page, ['done', 'error'], RUN_MS)
        await page.screenshot({ path: artifactPath(`webgpu-${end}.png`), fullPage: true })
        if (end === 'error') {
          expect(await page.textContent('#error')).toMatch(/WebGPU device was lost.*\?backend=(?:webgl|wasm)/)
          console.info(`lab webgpu toy fig1-spectrum: steps advanced, then ${await page.textContent('#error')}`)
          return
        }
        const lab = resultSchema.parse(JSON.parse(await download(page, '#download-result', 'webgpu-result.json')))
        expect(lab.backend).toMatchObject({ name: 'webgpu', forced: true })
        console.info(`lab webgpu toy fig1-spectrum: ${lab.timings.wallSeconds.toFixed(1)} s training`)
      } catch (error) {
        throw new Error(`${(error as Error).message}\npage console:\n${log.join('\n')}`, { cause: error })
      } finally {
        await page.context().close()
      }
    }, RUN_MS + 60_000)

    it('auto skips the software adapter and says so', async () => {
      const { page, log } = await openPage(browser)
      try {
        await openLab(page, labUrl(server.url, TOY_QUERY))
        await page.click('#run')
        await page.waitForFunction(() => document.getElementById('backend')?.dataset.backend !== undefined, null, { timeout: 60_000 })
        const backend = await page.getAttribute('#backend', 'data-backend')
        expect(backend).not.toBe('webgpu')
        expect(await page.textContent('#backend')).toMatch(new RegExp(`^${backend} — WebGPU unavailable: .*software`, 'i'))
        await page.waitForFunction(() => /step [1-9]/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: RUN_MS, polling: 50 })
        await page.click('#stop')
        await waitForState(page, ['stopped', 'done'], 60_000)
      } catch (error) {
        throw new Error(`${(error as Error).message}\npage console:\n${log.join('\n')}`, { cause: error })
      } finally {
        await page.context().close()
      }
    }, 120_000)
  })

  describe('without the WebGPU flags', () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await launchChromium({ webgpu: false })
    })
    afterAll(async () => browser?.close())

    it('auto says WebGPU is unavailable and why, names the backend it used instead, and trains on it', async () => {
      const { page, log } = await openPage(browser)
      try {
        await openLab(page, labUrl(server.url, TOY_QUERY))
        await page.click('#run')
        await page.waitForFunction(() => /step [1-9]/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: RUN_MS, polling: 50 })
        const backend = await page.getAttribute('#backend', 'data-backend')
        const text = (await page.textContent('#backend')) ?? ''
        await page.screenshot({ path: artifactPath('no-webgpu-running.png'), fullPage: false })
        expect(backend === 'webgl' || backend === 'wasm', `backend ${backend}`).toBe(true)
        expect(text).toMatch(new RegExp(`^${backend} — WebGPU unavailable: \\S`))
        console.info(`without the WebGPU flags: #backend = ${text}`)
        await page.click('#stop')
        await waitForState(page, ['stopped'], 30_000)
      } catch (error) {
        throw new Error(`${(error as Error).message}\npage console:\n${log.join('\n')}`, { cause: error })
      } finally {
        await page.context().close()
      }
    }, RUN_MS)
  })
})
