import { isGenerator } from '@cl/dgp'

const DGP_METHODS = ['sampleMarginal', 'sampleConditional', 'samplePairs', 'generate', 'sample', 'sampleArrays', 'sampleNegatives', 'reseed'] as const
const METADATA_INTEGERS = ['dims', 'contentDims', 'styleDims'] as const

/**
 * What `value` lacks to be a `@cl/dgp` `Dgp` (duck-typed, so a DGP built against another copy of `@cl/dgp` passes):
 * an empty list means it has every member the experiments use. Names are dotted paths, e.g. `generator.inverse`.
 */
export function missingDgpMembers(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['(an object)']
  const dgp = value as Record<string, unknown>
  const missing: string[] = []
  const metadata = dgp.metadata as Record<string, unknown> | undefined
  if (typeof metadata !== 'object' || metadata === null) missing.push('metadata')
  else {
    for (const k of METADATA_INTEGERS) if (!Number.isInteger(metadata[k])) missing.push(`metadata.${k}`)
    for (const k of ['contentIndices', 'styleIndices']) if (!Array.isArray(metadata[k])) missing.push(`metadata.${k}`)
  }
  for (const m of DGP_METHODS) if (typeof dgp[m] !== 'function') missing.push(m)
  if (!isGenerator(dgp.generator)) {
    const g = dgp.generator as Record<string, unknown> | undefined
    if (typeof g !== 'object' || g === null) missing.push('generator')
    else {
      if (typeof g.kind !== 'string') missing.push('generator.kind')
      if (!Number.isInteger(g.dims)) missing.push('generator.dims')
      for (const m of ['forward', 'inverse', 'forwardArray', 'inverseArray']) if (typeof g[m] !== 'function') missing.push(`generator.${m}`)
    }
  }
  for (const part of ['space', 'conditional']) if (typeof dgp[part] !== 'object' || dgp[part] === null) missing.push(part)
  return missing
}
