// Test-only helpers for the real single-node Slurm test cluster (scripts/slurm-test-cluster.sh,
// docs/cluster/test-cluster.md). Not part of the package: tsup's entries never import this file.
import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface SlurmTestClusterInfo {
  /** True when SLURM_CONF is set and sinfo answers with an idle, mixed or allocated node. */
  available: boolean
  /** Why the cluster is (un)available, for skip messages and errors. */
  reason: string
  /** Environment for Slurm client commands (sbatch, squeue, scancel): SLURM_CONF, and /usr/sbin on PATH. */
  env: NodeJS.ProcessEnv
}

const START_HINT = 'start one with: eval "$(scripts/slurm-test-cluster.sh start /tmp/cl-slurm)"'
const READY_STATES = new Set(['idle', 'mixed', 'allocated'])

function clientEnv(): NodeJS.ProcessEnv {
  const path = process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'
  const parts = path.split(':')
  for (const dir of ['/usr/sbin', '/sbin']) if (!parts.includes(dir)) parts.push(dir)
  return { ...process.env, PATH: parts.join(':') }
}

let cached: SlurmTestClusterInfo | undefined

/** Probes the test cluster once per process (sinfo with a 10 s timeout). */
export function slurmTestCluster(): SlurmTestClusterInfo {
  if (cached) return cached
  const env = clientEnv()
  const conf = env['SLURM_CONF']
  if (!conf) {
    cached = { available: false, reason: `SLURM_CONF is not set; ${START_HINT}`, env }
    return cached
  }
  if (!existsSync(conf)) {
    // sinfo itself would retry reading a missing file for 60 s.
    cached = { available: false, reason: `SLURM_CONF=${conf} does not exist; ${START_HINT}`, env }
    return cached
  }
  let out: string
  try {
    out = execFileSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    const detail = (e.stderr ?? '').trim() || e.message
    cached = { available: false, reason: `sinfo failed with SLURM_CONF=${conf}: ${detail}; ${START_HINT}`, env }
    return cached
  }
  const states = out.split('\n').map((s) => s.trim()).filter((s) => s.length > 0)
  const ready = states.find((s) => READY_STATES.has(s))
  cached = ready
    ? { available: true, reason: `Slurm test cluster at SLURM_CONF=${conf}: node ${ready}`, env }
    : { available: false, reason: `no idle/mixed/allocated node at SLURM_CONF=${conf} (sinfo: ${states.join(', ') || 'nothing'})`, env }
  return cached
}

/**
 * Availability of the test cluster for `describe.skipIf(!requireSlurm())`. Throws when CL_REQUIRE_SLURM=1 (CI) and
 * the cluster is not available, so CI never silently skips; otherwise prints why the tests are skipped.
 */
export function requireSlurm(): boolean {
  const cluster = slurmTestCluster()
  if (cluster.available) return true
  if (process.env['CL_REQUIRE_SLURM'] === '1') {
    throw new Error(`CL_REQUIRE_SLURM=1 but the Slurm test cluster is not available: ${cluster.reason}`)
  }
  console.warn(`[slurm] skipping Slurm tests: ${cluster.reason}`)
  return false
}

/**
 * Resolves once none of `jobIds` (plain '123', array tasks '123_4', or an array's id for all its tasks) is pending,
 * running or completing, polling `squeue -h --jobs=<ids>` every 250 ms; a job whose record slurmctld has already
 * purged ('Invalid job id specified') counts as gone. Rejects after `timeoutMs`, naming what is still queued.
 * Prefer this over `sbatch --wait`, which polls with a growing interval (up to 10 s, so a 2 s job returns after ~10 s).
 */
export async function waitForJobsGone(jobIds: string[], timeoutMs: number): Promise<void> {
  if (jobIds.length === 0) return
  const { env } = slurmTestCluster()
  const deadline = Date.now() + timeoutMs
  // --jobs= with '=': -j takes an optional argument, so '-j 12' would not read 12 as the list.
  const args = ['-h', `--jobs=${jobIds.join(',')}`, '-o', '%i %T']
  let last = ''
  for (;;) {
    try {
      const { stdout } = await execFileAsync('squeue', args, { env, encoding: 'utf8', timeout: 10_000 })
      last = stdout.trim()
      if (last === '') return
    } catch (err) {
      const e = err as { stderr?: string; message: string }
      const stderr = e.stderr ?? ''
      if (/Invalid job id/i.test(stderr)) return
      last = `squeue failed: ${stderr.trim() || e.message}`
    }
    if (Date.now() >= deadline) {
      throw new Error(`Slurm jobs ${jobIds.join(',')} not gone after ${timeoutMs} ms: ${last.replace(/\n/g, '; ')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
