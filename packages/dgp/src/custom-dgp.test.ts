import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import * as core from '@cl/core'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as dgpPackage from './index.js'

/**
 * Runs the README's "Extend with your own DGP" example: the code block after `<!-- example:custom-dgp -->` is taken
 * verbatim from README.md, transpiled with TypeScript and executed with `@cl/dgp` resolved to this package's source.
 */
function runReadmeExample(): Record<string, unknown> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const match = /<!-- example:custom-dgp -->\s*```ts\n([\s\S]*?)```/.exec(readme)
  if (!match?.[1]) throw new Error('README example block not found')
  const js = ts.transpileModule(match[1], {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText
  const modules: Record<string, unknown> = { '@tensorflow/tfjs': tf, '@cl/core': core, '@cl/dgp': dgpPackage }
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`README example imports ${name}, which the test does not provide`)
    return modules[name]
  }
  const exports: Record<string, unknown> = {}
  new Function('require', 'exports', js)(require, exports)
  return exports
}

describe('README: extend with your own DGP', () => {
  let ex: { dgp: dgpPackage.Dgp; batch: dgpPackage.DgpBatch }

  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    ex = runReadmeExample() as typeof ex
  })
  afterAll(() => {
    core.disposeBatch(ex.batch)
  })

  it('produces a reproducible [256, 4] batch with the custom parts', () => {
    const { dgp, batch } = ex
    expect(dgp.metadata).toMatchObject({ space: 'box', conditional: 'jumpy', generator: 'sinh', contentIndices: [0, 1], seed: 7 })
    for (const t of [batch.z, batch.zPositive, batch.x, batch.xPositive]) expect(t.shape).toEqual([256, 4])
    const again = runReadmeExample() as typeof ex
    expect(Array.from(again.batch.zPositive.dataSync())).toEqual(Array.from(batch.zPositive.dataSync()))
    core.disposeBatch(again.batch)
  })

  it('keeps content, moves style, and x = sinh(z) with the exact inverse', () => {
    const { dgp, batch } = ex
    const z = batch.z.dataSync()
    const zt = batch.zPositive.dataSync()
    const x = batch.x.dataSync()
    let styleMoved = 0
    for (let i = 0; i < 256; i++) {
      for (const k of [0, 1]) expect(zt[i * 4 + k]).toBe(z[i * 4 + k])
      for (const k of [2, 3]) if (zt[i * 4 + k] !== z[i * 4 + k]) styleMoved++
    }
    expect(styleMoved).toBe(512)
    expect(Math.max(...Array.from(x, (v, i) => Math.abs(v - Math.sinh(z[i] as number))))).toBeLessThan(1e-6)
    const back = dgp.generator.inverse(batch.x)
    expect(Math.max(...Array.from(back.dataSync(), (v, i) => Math.abs(v - (z[i] as number))))).toBeLessThan(1e-5)
    back.dispose()
  })
})
