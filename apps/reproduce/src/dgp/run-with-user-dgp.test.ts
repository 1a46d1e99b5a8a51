import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main, type CliDeps } from '../cli.js'
import type { Experiment } from '../experiments/experiment.js'
import type { ChildSpawner } from '../run/parallel.js'
import { resultSchema } from '../run/result-schema.js'
import { toyExperiment } from '../run/toy-experiment.test-helper.js'

// `--dgp` wiring through the CLI and the runner, with toy experiments that record the user DGP they were handed and
// call its factory once (the real experiments do the same where they would build the paper's DGP).
const seen: { module: string | undefined; dims: number | undefined }[] = []
function dgpToy(id: string, failOnce = false): Experiment<{ n: number }> & { failOnce: boolean } {
  const toy = {
    ...toyExperiment,
    id,
    failOnce,
    async run(ctx: Parameters<Experiment<{ n: number }>['run']>[0]) {
      const dgp = ctx.userDgp?.factory({ space: 'box', dims: 3, contentDims: 1, seed: ctx.seeds[0]! })
      seen.push({ module: ctx.userDgp?.module, dims: dgp?.metadata.dims })
      if (toy.failOnce) {
        toy.failOnce = false
        throw new Error('killed after loading the DGP')
      }
      return toyExperiment.run(ctx)
    },
  }
  return toy
}

const DGP = `import { assembleDgp, createHyperbox, createBoxConditional, createIdentityGenerator, resolveContentStyleSplit } from '@cl/dgp'
export default ({ dims, contentDims, seed }) => {
  const box = createHyperbox(dims)
  const split = resolveContentStyleSplit(dims, contentDims)
  const scale = Array.from({ length: dims }, (_, k) => (split.styleIndices.includes(k) ? 0.1 : 0))
  return assembleDgp({ space: box, conditional: createBoxConditional({ box, noise: 'laplace', scale }), generator: createIdentityGenerator(dims), split, seed })
}
`
const tmp = () => mkdtempSync(path.join(tmpdir(), 'cl-dgp-run-'))
function writeDgp(source = DGP): string {
  const file = path.join(tmp(), 'my-dgp.mjs')
  writeFileSync(file, source)
  return file
}
function cli(args: string[], deps: CliDeps) {
  const out: string[] = []
  const err: string[] = []
  return main(args, { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, ...deps }).then((code) => ({ code, out, err }))
}
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'))

describe('cl-reproduce run --dgp', () => {
  it('hands the DGP to the experiment and names module and sha256 in run.json, result.json and report.md', async () => {
    const file = writeDgp()
    const out = path.join(tmp(), 'run')
    seen.length = 0
    const r = await cli(['run', 'dgp-toy', '--backend', 'cpu', '--dgp', file, '--out', out], { experiments: [dgpToy('dgp-toy')] })
    expect(r.err.join('\n')).not.toMatch(/cl-reproduce:/)
    expect(r.code).toBe(0)
    expect(seen).toEqual([{ module: file, dims: 3 }])
    const result = resultSchema.parse(json(path.join(out, 'result.json')))
    expect(result.dgp).toEqual({ module: file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(json(path.join(out, 'run.json')).dgp).toEqual(result.dgp)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`DGP: \`${file}\` (sha256 \`${result.dgp!.sha256}\`), not the paper's.`)
  })

  it('without --dgp nothing is recorded', async () => {
    const out = path.join(tmp(), 'run')
    seen.length = 0
    expect((await cli(['run', 'dgp-toy', '--backend', 'cpu', '--out', out], { experiments: [dgpToy('dgp-toy')] })).code).toBe(0)
    expect(seen).toEqual([{ module: undefined, dims: undefined }])
    expect(json(path.join(out, 'result.json')).dgp).toBeUndefined()
    expect(json(path.join(out, 'run.json')).dgp).toBeUndefined()
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).not.toContain('DGP:')
  })

  it('a module that cannot be used fails in one line before any directory exists', async () => {
    const out = path.join(tmp(), 'never')
    const bad = writeDgp('export const notDefault = 1\n')
    const r = await cli(['run', 'dgp-toy', '--backend', 'cpu', '--dgp', bad, '--out', out], { experiments: [dgpToy('dgp-toy')] })
    expect(r.code).toBe(2) // refused before anything is written (exit-code convention)
    expect(r.err).toEqual([`cl-reproduce: --dgp ${bad}: has no default export (expected \`export default function ({ space, dims, contentDims, seed }) { … return dgp }\`)`])
    expect(existsSync(out)).toBe(false)
    const missing = await cli(['run', 'dgp-toy', '--dgp', path.join(tmp(), 'nope.mjs'), '--out', out], { experiments: [dgpToy('dgp-toy')] })
    expect(missing.err.at(-1)).toMatch(/^cl-reproduce: --dgp .*nope\.mjs: not found$/)
    expect(existsSync(out)).toBe(false)
  })

  it('--resume reloads the recorded module, and refuses one whose bytes changed', async () => {
    const file = writeDgp()
    const out = path.join(tmp(), 'resume')
    const toy = dgpToy('dgp-resume', true)
    const deps = { experiments: [toy] }
    expect((await cli(['run', 'dgp-resume', '--backend', 'cpu', '--dgp', file, '--out', out], deps)).code).toBe(1)
    const recorded = json(path.join(out, 'run.json')).dgp as { module: string; sha256: string }
    expect(recorded.module).toBe(file)

    writeFileSync(file, `${DGP}// edited after the run started\n`)
    const refused = await cli(['run', 'dgp-resume', '--backend', 'cpu', '--resume', out], deps)
    expect(refused.code).toBe(2) // refused before anything is written
    expect(refused.err.at(-1)).toMatch(new RegExp(`^cl-reproduce: --dgp ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed since the run started .*restore it or start a new run$`))
    expect(json(path.join(out, 'status.json')).state).toBe('failed') // untouched by the refused resume
    const another = await cli(['run', 'dgp-resume', '--backend', 'cpu', '--resume', out, '--dgp', writeDgp()], deps)
    expect(another.err.at(-1)).toMatch(/invalid --dgp: expected the module the run recorded/)

    writeFileSync(file, DGP)
    seen.length = 0
    const resumed = await cli(['run', 'dgp-resume', '--backend', 'cpu', '--resume', out], deps)
    expect(resumed.code).toBe(0)
    expect(seen).toEqual([{ module: file, dims: 3 }])
    expect(json(path.join(out, 'result.json')).dgp).toEqual(recorded)
  })

  it('run all --dgp hands it to every experiment; --jobs children get --dgp with the absolute path', async () => {
    const file = writeDgp()
    const experiments = [dgpToy('dgp-a'), dgpToy('dgp-b')]
    const root = path.join(tmp(), 'all')
    seen.length = 0
    expect((await cli(['run', 'all', '--backend', 'cpu', '--dgp', path.relative(process.cwd(), file), '--out', root], { experiments })).code).toBe(0)
    expect(seen).toEqual([{ module: file, dims: 3 }, { module: file, dims: 3 }])
    for (const id of ['dgp-a', 'dgp-b']) expect(json(path.join(root, id, 'result.json')).dgp.module).toBe(file)

    const argsSeen: (readonly string[])[] = []
    const spawn: ChildSpawner = (args) => {
      argsSeen.push(args)
      return { done: Promise.resolve(0), kill: () => {} }
    }
    expect((await cli(['run', 'all', '--jobs', '2', '--dgp', path.relative(process.cwd(), file), '--out', path.join(tmp(), 'jobs')], { experiments, spawn })).code).toBe(0)
    expect(argsSeen).toHaveLength(2)
    for (const args of argsSeen) expect(args[args.indexOf('--dgp') + 1]).toBe(file)

    // a paper-DGP-only experiment's child gets no --dgp, and the parent says so
    argsSeen.length = 0
    const only = { ...dgpToy('dgp-paper'), paperDgpOnly: 'it needs the paper DGP' }
    const r = await cli(['run', 'all', '--jobs', '2', '--dgp', file, '--out', path.join(tmp(), 'jobs2')], { experiments: [dgpToy('dgp-a'), only], spawn })
    expect(r.code).toBe(0)
    expect(argsSeen.map((args) => [args[1], args.includes('--dgp')])).toEqual([['dgp-a', true], ['dgp-paper', false]])
    expect(r.err.join('\n')).toMatch(/dgp-paper: runs on the paper's DGP, --dgp applies to the other experiments \(it needs the paper DGP\)/)
  })
})

