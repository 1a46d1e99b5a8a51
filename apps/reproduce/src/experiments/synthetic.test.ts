import { describe, expect, it } from 'vitest'
import { createDgp } from '@cl/dgp'
import { paperGenerator } from './synthetic.js'

describe('paperGenerator', () => {
  it.each([
    [{ kind: 'linear' as const, thresholdDraws: 200 }, 8],
    [{ kind: 'mlp' as const, layers: 3, thresholdDraws: 200 }, 10],
  ])('draws exactly the generator createDgp builds with generator.seed = seed, once per (spec, d, seed): %j', (spec, dims) => {
    const reference = createDgp({ dims, generator: { ...spec, seed: 7 }, seed: 7 }).generator as unknown as { layers: { weight: number[][] }[] }
    const cached = paperGenerator(spec, dims, 7) as unknown as { layers: { weight: number[][] }[] }
    expect(cached.layers.map((l) => l.weight)).toEqual(reference.layers.map((l) => l.weight))
    expect(paperGenerator(spec, dims, 7)).toBe(cached)
    expect(paperGenerator(spec, dims, 8)).not.toBe(cached)
  })
})
