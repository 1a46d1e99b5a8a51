import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBrowser } from './browser-env.js'
import { artifactPath, launchChromium, NO_WEBGPU_FLAGS, openPage, WEBGPU_FLAGS } from './chromium.js'
import { probeGpu, type GpuProbe } from './gpu-probe.js'
import { serveStatic, type StaticServer } from './static-server.js'

const PAGE = '<!doctype html><meta charset="utf-8"><title>gpu probe</title><p>probe</p>'

/** Launch chromium with or without the WebGPU flags, probe a loopback page, record what it saw and how long it took. */
async function probe(server: StaticServer, webgpu: boolean): Promise<GpuProbe> {
  const t0 = performance.now()
  const browser = await launchChromium({ webgpu })
  const launchMs = performance.now() - t0
  try {
    const { page, log } = await openPage(browser)
    await page.goto(`${server.url}probe.html`)
    const result = await page.evaluate(probeGpu)
    const record = { flags: webgpu ? WEBGPU_FLAGS : NO_WEBGPU_FLAGS, chromium: browser.version(), launchMs, ...result, console: log }
    writeFileSync(artifactPath(`probe-${webgpu ? 'webgpu' : 'no-webgpu'}.json`), `${JSON.stringify(record, null, 2)}\n`)
    return result
  } finally {
    await browser.close()
  }
}

describeBrowser('headless chromium: WebGPU on SwiftShader', {}, () => {
  let server: StaticServer
  beforeAll(async () => {
    server = await serveStatic('/nonexistent', { '/probe.html': PAGE })
  })
  afterAll(async () => server?.close())

  it('exposes a SwiftShader WebGPU adapter that computes, with --enable-unsafe-webgpu', async () => {
    const result = await probe(server, true)
    expect(result.secureContext).toBe(true)
    expect(result.navigatorGpu).toBe(true)
    expect(result.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })
    expect(result.computed).toEqual([2, 4, 6, 8])
  }, 60_000)

  it('has navigator.gpu but no adapter without the flag; WebGL2 (SwiftShader) renders float32 either way', async () => {
    const result = await probe(server, false)
    expect(result.navigatorGpu).toBe(true)
    expect(result.adapter).toBeNull()
    expect(result.webgl2Renderer).toMatch(/SwiftShader/)
    expect(result.webgl2FloatRender).toBe(true)
  }, 60_000)
})
