/** One training job's loss curve as plotted: (step, loss) points, thinned to at most `maxPoints`. */
export interface LossCurve {
  readonly job: string
  readonly points: readonly (readonly [number, number])[]
}

/**
 * The loss curves of a run, one per job in the order they trained. A curve longer than `maxPoints` keeps every other
 * point (its last point always), so a 300 000-step job costs the page as little as a 300-step one.
 */
export class LossSeries {
  private readonly curves = new Map<string, [number, number][]>()
  constructor(private readonly maxPoints = 400) {}

  add(job: string, points: readonly (readonly [number, number])[]): void {
    let curve = this.curves.get(job)
    if (curve === undefined) this.curves.set(job, (curve = []))
    for (const [step, loss] of points) {
      const last = curve[curve.length - 1]
      // A resumed job repeats no step: drop points at or before the last one kept.
      if (last !== undefined && step <= last[0]) continue
      curve.push([step, loss])
      if (curve.length > this.maxPoints) {
        const tail = curve[curve.length - 1]!
        const thinned = curve.filter((_, i) => i % 2 === 0)
        if (thinned[thinned.length - 1] !== tail) thinned.push(tail)
        curve.splice(0, curve.length, ...thinned)
      }
    }
  }

  get all(): LossCurve[] {
    return [...this.curves].map(([job, points]) => ({ job, points }))
  }

  /** Points across every curve. */
  get size(): number {
    let n = 0
    for (const c of this.curves.values()) n += c.length
    return n
  }

  clear(): void {
    this.curves.clear()
  }
}
