import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { RunDirectoryError } from '../../run/run-dir.js'

/**
 * Build a directory in a fresh temp directory beside `target` and swap it in with renames, so readers see either the
 * old directory or the complete new one, never a half-written one. A failing `build` removes the temp directory and
 * leaves `target` as it was. Returns whether an earlier `target` was replaced.
 */
export async function replaceDirectory(target: string, build: (tmp: string) => Promise<void>): Promise<{ replaced: boolean }> {
  const parent = path.dirname(target)
  const base = path.basename(target)
  let tmp: string
  try {
    tmp = mkdtempSync(path.join(parent, `.${base}.tmp-`))
  } catch (error) {
    throw new RunDirectoryError(parent, `cannot create a temp directory for ${base}/: ${(error as Error).message}`)
  }
  try {
    await build(tmp)
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true })
    throw error
  }
  const replaced = existsSync(target)
  const old = `${path.join(parent, `.${base}.old-`)}${path.basename(tmp).split('-').at(-1)}`
  try {
    if (replaced) renameSync(target, old)
    renameSync(tmp, target)
  } catch (error) {
    // put the earlier directory back if it was moved aside
    if (replaced && !existsSync(target) && existsSync(old)) renameSync(old, target)
    rmSync(tmp, { recursive: true, force: true })
    throw new RunDirectoryError(target, `cannot swap in the new ${base}/: ${(error as Error).message}`)
  }
  if (replaced) rmSync(old, { recursive: true, force: true })
  return { replaced }
}
