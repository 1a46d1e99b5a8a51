import { describe, expect, it } from 'vitest'
import { runInParallel, type ChildSpawner } from './parallel.js'

/** Children that run until killed, then exit like a cl-reproduce child does: 128 + signal number. */
function untilKilled(started: string[]): ChildSpawner {
  return (args) => {
    started.push(args[1]!)
    let resolve!: (code: number) => void
    const done = new Promise<number>((r) => (resolve = r))
    return { done, kill: (signal) => resolve(signal === 'SIGTERM' ? 143 : 130) }
  }
}

describe('runInParallel stop', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} is forwarded to every child, no new child starts, and the exit code is ${code}`, async () => {
      const started: string[] = []
      const jobs = ['a', 'b', 'c'].map((id) => ({ id, args: ['run', id] }))
      const err: string[] = []
      const run = runInParallel(jobs, { jobs: 2, spawn: untilKilled(started), out: () => {}, err: (l) => err.push(l) })
      await new Promise((r) => setTimeout(r, 10))
      process.emit(signal)
      expect(await run).toBe(code)
      expect(started).toEqual(['a', 'b'])
      expect(err).toContain(`[a] exited with code ${code}`)
    })
  }
})
