import { describe, expect, it } from 'vitest'
import { mainLseInstance } from './instance.js'

/** Distance in float32 units in the last place between a float32 result and the correctly rounded value. */
function ulpError(got: number, exact: number): number {
  const want = Math.fround(exact)
  if (want === 0) return got === 0 ? 0 : Infinity
  const bits = new Float32Array([want])
  const asInt = new Uint32Array(bits.buffer)
  asInt[0]! += 1
  const ulp = Math.abs(bits[0]! - want)
  return Math.abs(got - exact) / ulp
}

function grid(lo: number, hi: number, count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1))
}

describe('the kernel exp / log approximations (float32, no libc)', () => {
  it('exp is within 2 ulp of Math.exp on [-87.3, 88] and flushes below the normal range to 0', () => {
    const x = grid(-87.3, 88, 200_001)
    const y = mainLseInstance().elementwise('exp', x)
    let worst = 0
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, ulpError(y[i]!, Math.exp(x[i]!)))
    expect(worst).toBeLessThanOrEqual(2)
    const edge = mainLseInstance().elementwise('exp', Float32Array.from([-Infinity, -1e9, -88, 0]))
    expect(Array.from(edge)).toEqual([0, 0, 0, 1])
  })

  it('log is within 2 ulp of Math.log on (0, 1e6] and gives -Infinity at 0', () => {
    const x = Float32Array.from({ length: 100_000 }, (_, i) => Math.fround(Math.exp(-30 + (i * 44) / 100_000)))
    const y = mainLseInstance().elementwise('log', x)
    let worst = 0
    for (let i = 0; i < x.length; i++) {
      const want = Math.log(x[i]!)
      // near log = 0 the absolute error is what matters (|log x| ≪ 1): measure against ulp(1)·|…| floor
      worst = Math.max(worst, Math.abs(want) < 1e-3 ? Math.abs(y[i]! - want) / 1.2e-7 : ulpError(y[i]!, want))
    }
    expect(worst).toBeLessThanOrEqual(2)
    expect(mainLseInstance().elementwise('log', Float32Array.from([0]))[0]).toBe(-Infinity)
  })
})
