import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isClError } from '@cl/core'
import type { Experiment } from '../experiments/experiment.js'
import { paperDgpOnlyNote, planRuns, runExperiments, type RunOptions } from './runner.js'
import { toyExperiment } from './toy-experiment.test-helper.js'

const tmp = () => mkdtempSync(path.join(tmpdir(), 'cl-runner-'))
const base = (out: string): RunOptions => ({
  preset: 'quick',
  seed: 0,
  seeds: 1,
  backend: 'cpu',
  out,
  overrides: {},
  log: () => {},
  appVersion: 'test',
})

describe('runner (programmatic path)', () => {
  it('planRuns decides everything and writes nothing', () => {
    const out = path.join(tmp(), 'all')
    const prepared = planRuns([toyExperiment, { ...toyExperiment, id: 'toy2' }], { ...base(out), overrides: { n: 3 } })
    expect(prepared.root).toEqual({ dir: out, fresh: true, settings: { preset: 'quick', seed: 0, seeds: 1, backend: 'cpu', overrides: { n: 3 }, experiments: ['toy', 'toy2'] } })
    expect(prepared.plans.map((p) => [p.experiment.id, p.out, p.config])).toEqual([['toy', path.join(out, 'toy'), { n: 3 }], ['toy2', path.join(out, 'toy2'), { n: 3 }]])
    expect(existsSync(out)).toBe(false)
  })

  it('preflight gets the config and the user DGP', () => {
    const seen: unknown[] = []
    const e: Experiment<{ n: number }> = { ...toyExperiment, preflight: (config, o) => void seen.push([config, o.userDgp?.module]) }
    const userDgp = { factory: () => { throw new Error('not called') }, module: 'inline:test', sha256: null }
    planRuns([e], { ...base(path.join(tmp(), 'x')), userDgp })
    expect(seen).toEqual([[{ n: 4 }, 'inline:test']])
  })

  it('a paper-DGP-only experiment: refused alone with --dgp, run on the paper DGP in run all (no preflight DGP, none in its run)', async () => {
    const userDgp = { factory: () => { throw new Error('not called') }, module: 'inline:test', sha256: null }
    const seen: unknown[] = []
    const only: Experiment<{ n: number }> = {
      ...toyExperiment,
      id: 'paper-only',
      paperDgpOnly: 'it sweeps the paper DGP',
      preflight: (_c, o) => void seen.push(['preflight', o.userDgp?.module]),
      async run(ctx) {
        seen.push(['run', ctx.userDgp?.module])
        return toyExperiment.run(ctx)
      },
    }
    expect(() => planRuns([only], { ...base(path.join(tmp(), 'alone')), userDgp })).toThrow(/paper-only takes no --dgp: it sweeps the paper DGP/)
    const logs: string[] = []
    const out = path.join(tmp(), 'all')
    await runExperiments([only, { ...toyExperiment, id: 'toy2' }], { ...base(out), userDgp, log: (l) => logs.push(l) })
    expect(seen).toEqual([['preflight', undefined], ['run', undefined]])
    expect(logs).toContain("paper-only: runs on the paper's DGP, --dgp applies to the other experiments (it sweeps the paper DGP)")
    expect(JSON.parse(readFileSync(path.join(out, 'paper-only', 'result.json'), 'utf8')).dgp).toBeUndefined()
    expect(JSON.parse(readFileSync(path.join(out, 'toy2', 'result.json'), 'utf8')).dgp).toEqual({ module: 'inline:test', sha256: null })
  })

  it('an experiment that uses no DGP (the image experiments) says so in run all --dgp instead of naming the paper DGP', () => {
    const images: Experiment<{ n: number }> = { ...toyExperiment, id: 'images', paperDgpOnly: 'it trains on images', usesNoDgp: true }
    expect(paperDgpOnlyNote(images)).toBe('images: uses no DGP, --dgp applies to the other experiments (it trains on images)')
    expect(paperDgpOnlyNote({ ...images, usesNoDgp: false })).toMatch(/^images: runs on the paper's DGP/)
  })

  it("an abort of the caller's signal stops the run: interrupted, never complete", async () => {
    const controller = new AbortController()
    const e: Experiment<{ n: number }> = {
      ...toyExperiment,
      async run(ctx) {
        const output = await toyExperiment.run(ctx)
        controller.abort()
        expect(ctx.signal.aborted).toBe(true)
        return output
      },
    }
    const out = path.join(tmp(), 'abort')
    const error = await runExperiments([e], { ...base(out), signal: controller.signal }).catch((x: unknown) => x)
    expect(isClError(error, 'CL_INTERRUPTED')).toBe(true)
    expect((error as Error).message).toBe('interrupted by abort')
    expect(JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8')).state).toBe('interrupted')
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
  })
})
