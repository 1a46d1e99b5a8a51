import { describe, expect, it } from 'vitest'
import { autoThreads, MAX_THREADS, parseThreadsArg } from './threads.js'

describe('--threads', () => {
  it('auto shares the cores among the --jobs processes, within [1, 8]', () => {
    expect(autoThreads(1, 2)).toBe(2)
    expect(autoThreads(2, 2)).toBe(1)
    expect(autoThreads(4, 2)).toBe(1)
    expect(autoThreads(1, 16)).toBe(MAX_THREADS)
    expect(autoThreads(3, 16)).toBe(5)
  })

  it("accepts 'auto' and integers in [1, 8], and names the range otherwise", () => {
    expect(parseThreadsArg('auto')).toBe('auto')
    expect(parseThreadsArg('1')).toBe(1)
    expect(parseThreadsArg('8')).toBe(8)
    for (const bad of ['0', '9', '1.5', '', 'two']) expect(() => parseThreadsArg(bad)).toThrow(/'auto' or an integer in \[1, 8\]/)
  })
})
