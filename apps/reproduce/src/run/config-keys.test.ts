import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EXPERIMENTS } from '../experiments/registry.js'
import type { Experiment } from '../experiments/experiment.js'
import { configKeys, formatConfigKeys } from './config-keys.js'
import { resolveConfig } from './runner.js'
import { toyExperiment } from './toy-experiment.test-helper.js'

/** Leaf paths of a plain config object (arrays are leaves, as `--set` sets them whole). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`))
}

interface Def {
  type: string
  shape?: Record<string, { _zod: { def: Def } }>
  innerType?: { _zod: { def: Def } }
}

/** Keys the schema declares optional, found by walking zod's own definitions (not the JSON Schema the code uses). */
function optionalLeafPaths(schema: z.ZodType): string[] {
  const out: string[] = []
  const walk = (def: Def, prefix: string, optional: boolean) => {
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') return walk(def.innerType!._zod.def, prefix, true)
    if (def.type === 'object') {
      for (const [k, v] of Object.entries(def.shape!)) walk(v._zod.def, prefix === '' ? k : `${prefix}.${k}`, optional)
      return
    }
    if (optional) out.push(prefix)
  }
  walk((schema as unknown as { _zod: { def: Def } })._zod.def, '', false)
  return out
}

const all: readonly Experiment<any>[] = [...EXPERIMENTS, toyExperiment]

describe('config --keys: every key the schema accepts', () => {
  for (const experiment of all) {
    it(`${experiment.id}: lists the presets' leaf keys plus the optional ones, nothing else`, () => {
      const listed = configKeys(experiment).map((k) => k.key)
      expect(new Set(listed).size).toBe(listed.length)
      const expected = new Set([...leafPaths(experiment.presets.quick), ...leafPaths(experiment.presets.paper), ...optionalLeafPaths(experiment.configSchema)])
      expect([...listed].sort()).toEqual([...expected].sort())
    })

    it(`${experiment.id}: every listed key present in the preset round-trips through --set; a misspelt one is refused with the list`, () => {
      for (const key of leafPaths(experiment.presets.quick)) {
        const value = key.split('.').reduce<any>((o, k) => o[k], experiment.presets.quick)
        const overrides = key.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>
        expect(() => resolveConfig(experiment, 'quick', overrides)).not.toThrow()
      }
      const first = configKeys(experiment)[0]!.key
      const typo = first.replace(/[^.]+$/, (leaf) => `${leaf}X`)
      const overrides = typo.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), 1) as Record<string, unknown>
      expect(() => resolveConfig(experiment, 'quick', overrides)).toThrow(`invalid --set ${typo}: expected a config key of '${experiment.id}' (one of: ${configKeys(experiment).map((k) => k.key).join(', ')}`)
    })
  }

  it('shows type, range, enum values, optionality and the description', () => {
    const schema = z.strictObject({
      dims: z.number().int().min(2).describe('latent dimensionality d'),
      tau: z.number().positive().meta({ description: 'temperature τ' }),
      init: z.enum(['pytorch', 'heUniform']),
      widths: z.array(z.number().int().min(1)).min(1),
      spaces: z.strictObject({ box: z.strictObject({ sigma: z.number().positive().max(10) }).optional() }),
    })
    const keys = configKeys({ configSchema: schema })
    expect(keys).toEqual([
      { key: 'dims', type: 'integer', range: '>= 2', description: 'latent dimensionality d', required: true },
      { key: 'tau', type: 'number', range: '> 0', description: 'temperature τ', required: true },
      { key: 'init', type: 'enum', range: '"pytorch" | "heUniform"', description: '', required: true },
      { key: 'widths', type: 'array of integer >= 1', range: '>= 1 items', description: '', required: true },
      { key: 'spaces.box.sigma', type: 'number', range: '> 0, <= 10', description: '', required: false },
    ])
    const lines = formatConfigKeys(keys)
    expect(lines[0]).toMatch(/^dims\s+integer\s+>= 2\s+latent dimensionality d$/)
    expect(lines[4]).toMatch(/^spaces\.box\.sigma\?\s+number\s+> 0, <= 10$/)
  })
})
