import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PAIRWISE_LSE_WASM_BUILD } from './pairwise-lse-wasm.generated.js'
import { kernelWasmBytes } from './wasm-module.js'

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'build-kernel.mjs')

describe('the committed wasm kernel', () => {
  it('decodes to the recorded size', () => {
    expect(kernelWasmBytes().length).toBe(PAIRWISE_LSE_WASM_BUILD.bytes)
  })

  it('matches a fresh compile of csrc/ (skipped without the same clang)', (ctx) => {
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
    if (r.status === 2) ctx.skip()
    expect(r.status, r.stderr + r.stdout).toBe(0)
  })
})
