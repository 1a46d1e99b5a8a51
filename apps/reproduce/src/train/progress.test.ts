import { describe, expect, it } from 'vitest'
import { createProgress, trainProgress } from './progress.js'

describe('createProgress (non-TTY)', () => {
  it('logs periodic lines with step, loss, steps/s and ETA, and a final line on stop', () => {
    let t = 0
    const lines: string[] = []
    const p = createProgress({ label: 'train', total: 100, log: (l) => lines.push(l), tty: false, intervalSeconds: 10, now: () => t })
    for (let step = 1; step <= 50; step++) {
      t = step * 0.5 // 2 steps/s
      p.update(step, 1 / step)
    }
    p.stop()
    expect(lines[0]).toBe('train step 20/100 loss 0.0500 2.00 steps/s ETA 40s')
    expect(lines.at(-1)).toBe('train step 50/100 loss 0.0200 2.00 steps/s ETA 25s')
    expect(lines).toHaveLength(3) // at t = 10, 20 and on stop (t = 25)
  })

  it('counts the rate from the resume step', () => {
    let t = 0
    const lines: string[] = []
    const p = createProgress({ label: 'x', total: 1000, startStep: 900, log: (l) => lines.push(l), tty: false, intervalSeconds: 1, now: () => t })
    t = 10
    p.update(950, 2)
    expect(lines[0]).toBe('x step 950/1000 loss 2.0000 5.00 steps/s ETA 10s')
  })
})

describe('trainProgress (the onStep hook of @cl/train)', () => {
  it('starts the bar from the resume step, logs the resume once, and prints a final line on stop', () => {
    const lines: string[] = []
    const p = trainProgress({ label: 'job', log: (l) => lines.push(l), tty: false })
    p.stop() // before any step: nothing to report
    expect(lines).toEqual([])
    for (let step = 31; step <= 40; step++) p.onStep({ key: 'k', step, steps: 40, startStep: 30, loss: 0.25 })
    p.stop()
    expect(lines[0]).toBe('k: resumed at step 30/40')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^job step 40\/40 loss 0\.2500 [0-9.]+ steps\/s ETA 0s$/)
  })
})
