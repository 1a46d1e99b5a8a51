import type { Experiment } from '../../experiments/experiment.js'

/** Most series in one sweep figure (and scalars in one report table): the six greyscale-safe series styles. */
export const MAX_SERIES = 6

/** A set of scalars shown together: one report table and one figure per grid axis. */
export interface ScalarGroup {
  readonly name: string
  readonly scalars: readonly string[]
}

/**
 * Group scalar names by the experiment's `sweep.group` (in order of first appearance), each group cut into parts of at
 * most {@link MAX_SERIES}; without a grouping, the scalars in order, six at a time.
 */
export function scalarGroups(experiment: Experiment<any>, names: readonly string[]): ScalarGroup[] {
  const groupOf = experiment.sweep?.group ?? (() => 'scalars')
  const byGroup = new Map<string, string[]>()
  for (const name of names) {
    const g = groupOf(name)
    byGroup.set(g, [...(byGroup.get(g) ?? []), name])
  }
  return [...byGroup.entries()].flatMap(([name, scalars]) => {
    const parts = Math.ceil(scalars.length / MAX_SERIES)
    return Array.from({ length: parts }, (_, i) => ({
      name: parts === 1 ? name : `${name} (${i + 1}/${parts})`,
      scalars: scalars.slice(i * MAX_SERIES, (i + 1) * MAX_SERIES),
    }))
  })
}
