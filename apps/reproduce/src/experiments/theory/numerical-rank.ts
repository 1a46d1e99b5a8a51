/** Numerical rank: the number of singular values above `tolerance`·σ_1 (σ descending or not; 0 for the zero matrix). */
export function numericalRank(singularValues: readonly number[], tolerance: number): number {
  const top = Math.max(0, ...singularValues)
  if (top === 0) return 0
  return singularValues.filter((s) => s > tolerance * top).length
}
