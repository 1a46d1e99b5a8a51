import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadUserDgp, reloadRecordedDgp, userDgpForResume } from './load-user-dgp.js'

// Modules live in a temp dir outside the repo, with no node_modules beside them.
const dir = mkdtempSync(path.join(tmpdir(), 'cl-user-dgp-'))
function moduleFile(name: string, source: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, source)
  return file
}
const GOOD = `import { createDgp } from '@cl/dgp'
export default ({ space, dims, contentDims, seed }) => createDgp({ space, dims, contentDims, seed, generator: { kind: 'identity' } })
`
const options = { space: 'box', dims: 4, contentDims: 2, seed: 3 } as const

async function loadError(file: string): Promise<Error> {
  const error = await loadUserDgp(file).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('loadUserDgp', () => {
  it('loads a module from outside the repo: absolute path, sha256 of its bytes, a factory sharing our tfjs engine', async () => {
    const file = moduleFile('good.mjs', GOOD)
    const loaded = await loadUserDgp(path.relative(process.cwd(), file))
    expect(loaded.module).toBe(file)
    expect(loaded.sha256).toBe(createHash('sha256').update(GOOD).digest('hex'))
    const before = tf.memory().numTensors
    const dgp = loaded.factory(options)
    expect(dgp.metadata).toMatchObject({ space: 'box', dims: 4, contentDims: 2, seed: 3 })
    const batch = dgp.sample(5)
    // One engine: the module's tensors are ours (same class, counted by our engine).
    expect(batch.x).toBeInstanceOf(tf.Tensor)
    expect(tf.memory().numTensors).toBe(before + 4)
    tf.dispose(Object.values(batch))
    expect(tf.memory().numTensors).toBe(before)
  })

  it.each([
    ['missing.mjs', null, /^--dgp .*missing\.mjs: not found$/],
    ['syntax.mjs', 'export default (o) => {', /^--dgp .*syntax\.mjs: cannot be loaded as an ES module: /],
    ['bad-import.mjs', "import { nope } from './does-not-exist.mjs'\nexport default () => nope", /^--dgp .*bad-import\.mjs: cannot be loaded as an ES module: .*does-not-exist/],
    ['no-default.mjs', 'export const factory = () => 1', /^--dgp .*no-default\.mjs: has no default export/],
    ['object-default.mjs', 'export default { dims: 3 }', /^--dgp .*object-default\.mjs: its default export is an object, not a factory function$/],
    ['number-default.mjs', 'export default 42', /^--dgp .*number-default\.mjs: its default export is a number, not a factory function$/],
    ['module.cjs', 'module.exports = () => 1', /^--dgp .*module\.cjs: is a CommonJS file \(\.cjs\); write the DGP as an ES module \(\.mjs\)$/],
  ])('%s: one line naming the file, code CL_INVALID_CONFIG', async (name, source, message) => {
    const file = source === null ? path.join(dir, name) : moduleFile(name, source)
    const error = await loadError(file)
    expect(error.message).toMatch(message)
    expect(error.message).toContain(file)
    expect(error.message).not.toContain('\n')
    expect(isClError(error, 'CL_INVALID_CONFIG')).toBe(true)
    expect(error).toMatchObject({ field: '--dgp', file })
  })

  it('refuses a directory', async () => {
    const sub = path.join(dir, 'a-dir.mjs')
    mkdirSync(sub, { recursive: true })
    expect((await loadError(sub)).message).toBe(`--dgp ${sub}: not a file`)
  })

  it.each([
    ['throws.mjs', "export default () => { throw new Error('no sphere here\\nsecond line') }", /the factory threw for \{ space: 'box', dims: 4, contentDims: 2, seed: 3 \}: no sphere here$/],
    ['returns-object.mjs', 'export default () => ({ metadata: {} })', /the factory returned an object that is not a @cl\/dgp Dgp for .* \(missing: metadata\.dims, metadata\.contentDims, .*reseed, generator, space, conditional\)$/],
    ['returns-promise.mjs', "import { createDgp } from '@cl/dgp'\nexport default async (o) => createDgp({ ...o, generator: { kind: 'identity' } })", /the factory returned a Promise that is not a @cl\/dgp Dgp/],
    ['returns-undefined.mjs', 'export default () => {}', /the factory returned undefined that is not a @cl\/dgp Dgp .*\(missing: \(an object\)\)$/],
    ['wrong-dims.mjs', "import { createDgp } from '@cl/dgp'\nexport default ({ seed }) => createDgp({ dims: 5, contentDims: 1, seed, generator: { kind: 'identity' } })", /the factory returned a Dgp with dims 5, contentDims 1 for \{ space: 'box', dims: 4, contentDims: 2, seed: 3 \}$/],
  ])('%s: the factory’s failure is one line naming the file and the options', async (name, source, message) => {
    const file = moduleFile(name, source)
    const loaded = await loadUserDgp(file)
    let error: unknown
    try {
      loaded.factory(options)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(new RegExp(`^--dgp ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `))
    expect((error as Error).message).toMatch(message)
    expect(isClError(error, 'CL_INVALID_CONFIG')).toBe(true)
  })
})

describe('resuming with the recorded DGP', () => {
  it('reloads an unchanged module and refuses a changed or missing one in one line', async () => {
    const file = moduleFile('resume.mjs', GOOD)
    const first = await loadUserDgp(file)
    const recorded = { module: first.module, sha256: first.sha256! }
    const again = await reloadRecordedDgp(recorded)
    expect(again.sha256).toBe(first.sha256)
    expect(again.factory(options).metadata.dims).toBe(4)
    writeFileSync(file, `${GOOD}// edited\n`)
    await expect(reloadRecordedDgp(recorded)).rejects.toThrow(new RegExp(`^--dgp .*resume\\.mjs: changed since the run started \\(sha256 [0-9a-f]{12}…, recorded ${first.sha256!.slice(0, 12)}…\\); restore it or start a new run$`))
    await expect(reloadRecordedDgp({ module: path.join(dir, 'gone.mjs'), sha256: first.sha256! })).rejects.toThrow(/gone\.mjs: not found \(the run was started with this DGP module; restore it to resume\)$/)
  })

  it('userDgpForResume: the recorded DGP or nothing, never another', async () => {
    const file = moduleFile('resume2.mjs', GOOD)
    const loaded = await loadUserDgp(file)
    const recorded = { module: loaded.module, sha256: loaded.sha256 }
    expect(await userDgpForResume(undefined, undefined)).toBeUndefined()
    await expect(userDgpForResume(undefined, loaded)).rejects.toThrow(/invalid --dgp: expected no --dgp with --resume of a run that used the paper's DGP/)
    expect((await userDgpForResume(recorded, undefined))?.sha256).toBe(loaded.sha256)
    expect(await userDgpForResume(recorded, loaded)).toBe(loaded)
    const other = await loadUserDgp(moduleFile('other.mjs', `${GOOD}// other\n`))
    await expect(userDgpForResume(recorded, other)).rejects.toThrow(/invalid --dgp: expected the module the run recorded/)
    const inline = { factory: loaded.factory, module: 'inline:mine', sha256: null }
    expect(await userDgpForResume({ module: 'inline:mine', sha256: null }, inline)).toBe(inline)
    await expect(userDgpForResume({ module: 'inline:mine', sha256: null }, undefined)).rejects.toThrow(/^--dgp inline:mine: the run used an inline factory; resume it through the API with the same factory/)
  })
})
