import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ARTIFACTS, CHROMIUM } from './browser-env.js'

/**
 * Flags that expose WebGPU in headless Chromium 156 on a machine without a GPU: `--enable-unsafe-webgpu` turns on
 * WebGPU on Linux, where it is still behind a flag; the adapter is then Dawn on SwiftShader (Vulkan on the CPU,
 * `isFallbackAdapter`). `--disable-gpu` keeps Chromium from probing a hardware GPU (WebGL still runs on SwiftShader).
 * docs/lab/chromium.md records what each combination gives.
 */
export const WEBGPU_FLAGS: readonly string[] = ['--disable-gpu', '--enable-unsafe-webgpu']
/** The same launch without `--enable-unsafe-webgpu`: `navigator.gpu` exists but `requestAdapter()` resolves null. */
export const NO_WEBGPU_FLAGS: readonly string[] = ['--disable-gpu']

/** Launch Debian's chromium headless through playwright-core (no browser download), with or without WebGPU. */
export async function launchChromium(options: { readonly webgpu: boolean }): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...(options.webgpu ? WEBGPU_FLAGS : NO_WEBGPU_FLAGS)],
    timeout: 60_000,
  })
}

/** A fresh page whose console lines and uncaught errors are collected (printed by a failing test's message). */
export async function openPage(browser: Browser): Promise<{ page: Page; log: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } })
  const page = await context.newPage()
  const log: string[] = []
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`))
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`))
  page.on('crash', () => log.push('[crash] the page crashed'))
  return { page, log }
}

/** Where a test writes its screenshots and downloads (`apps/lab/test/artifacts/<name>`, gitignored). */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return `${ARTIFACTS}${name}`
}
