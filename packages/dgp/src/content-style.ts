import { InvalidConfigError, type ContentStyleSplit } from '@cl/core'

/**
 * Split d latent dims into content z^c and style z^s (§2, von Kügelgen et al. 2021). `contentDims` is either a count
 * d_c (the first d_c dims are content, the paper's §4.1 convention) or an explicit list of content indices (any subset).
 */
export function resolveContentStyleSplit(dims: number, contentDims: number | readonly number[] = 0): ContentStyleSplit {
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidConfigError('dims', 'an integer >= 1', dims)
  let content: number[]
  if (typeof contentDims === 'number') {
    if (!Number.isInteger(contentDims) || contentDims < 0 || contentDims > dims) {
      throw new InvalidConfigError('contentDims', `an integer in [0, ${dims}] or a list of indices`, contentDims)
    }
    content = Array.from({ length: contentDims }, (_, k) => k)
  } else {
    content = [...contentDims].sort((a, b) => a - b)
    for (let k = 0; k < content.length; k++) {
      const idx = content[k] as number
      if (!Number.isInteger(idx) || idx < 0 || idx >= dims || (k > 0 && content[k - 1] === idx)) {
        throw new InvalidConfigError('contentDims', `distinct integer indices in [0, ${dims - 1}]`, contentDims)
      }
    }
  }
  const isContent = new Set(content)
  const style = Array.from({ length: dims }, (_, k) => k).filter((k) => !isContent.has(k))
  return { contentIndices: content, styleIndices: style }
}
