import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CIFAR10_DIR_ENV, CIFAR10_FILES } from './images/data.js'
import { EXPERIMENTS } from './registry.js'

// The image experiments' paper presets read CIFAR-10 from $CL_CIFAR10_DIR: their preflight only checks the files exist.
const savedCifarDir = process.env[CIFAR10_DIR_ENV]
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-cifar-stub-'))
  for (const f of CIFAR10_FILES) writeFileSync(path.join(dir, f), '')
  process.env[CIFAR10_DIR_ENV] = dir
})
afterAll(() => {
  if (savedCifarDir === undefined) delete process.env[CIFAR10_DIR_ENV]
  else process.env[CIFAR10_DIR_ENV] = savedCifarDir
})

interface SchemaNode {
  description?: string
  def: { type: string; shape?: Record<string, unknown>; innerType?: unknown; element?: unknown }
}

/** Every settable key (dotted; `[]` for array elements) with its description, read from the zod schema. */
function keys(schema: unknown, at = '', out: { key: string; description: string | undefined }[] = []) {
  let node = schema as SchemaNode
  let description = node.description
  while (node.def.type === 'optional' || node.def.type === 'default') {
    node = node.def.innerType as SchemaNode
    description ??= node.description
  }
  if (at !== '' && !at.endsWith('[]')) out.push({ key: at, description })
  if (node.def.type === 'object') for (const [k, v] of Object.entries(node.def.shape!)) keys(v, at === '' ? k : `${at}.${k}`, out)
  if (node.def.type === 'array') keys(node.def.element, `${at}[]`, out)
  return out
}

describe('experiment registry', () => {
  it('keeps the CLI ids and their order', () => {
    expect(EXPERIMENTS.map((e) => e.id)).toEqual(['fig1-spectrum', 'table1', 'fig1-r2-box', 'fig1-r2-sphere', 'theory-dynamics', 'theory-dc-estimate', 'theory-tau-heuristic', 'theory-collapse-optimal', 'theory-batch-rank', 'table2', 'fig2', 'appendix-e'])
  })

  it.each(EXPERIMENTS.map((e) => [e.id, e] as const))('%s: every config key has a one-line description (config --keys prints them)', (_id, e) => {
    const all = keys(e.configSchema)
    expect(all.length).toBeGreaterThan(10)
    expect(all.filter((k) => !k.description?.trim()).map((k) => k.key)).toEqual([])
    for (const k of all) expect(k.description, k.key).not.toMatch(/\n/)
  })

  it.each(EXPERIMENTS.map((e) => [e.id, e] as const))('%s: both presets pass the schema and the preflight checks', (_id, e) => {
    for (const preset of ['quick', 'paper'] as const) {
      expect(e.configSchema.safeParse(e.presets[preset]).success).toBe(true)
      expect(() => e.preflight?.(e.presets[preset], {})).not.toThrow()
    }
    expect(e.preflight).toBeTypeOf('function')
  })
})
