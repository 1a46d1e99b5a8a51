import { randomUUID } from 'node:crypto'
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'

/** The lock file of a run directory while a process runs in it. */
export const LOCK_FILE = 'lock.json'

interface LockOwner {
  readonly pid: number
  readonly hostname: string
  readonly startedAt: string
  /** Tells two locks of one process apart (in-process runs, tests). */
  readonly token: string
}

/** The run directory is locked by another live process (a second `--resume` of a running run). */
export class RunLockedError extends Error {
  readonly code = 'CL_RUN_LOCKED' as const
  readonly dir: string
  constructor(dir: string, detail: string) {
    super(`${dir} is in use: ${detail}`)
    this.name = 'RunLockedError'
    this.dir = dir
  }
}

/** True when a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>
    return typeof o.pid === 'number' && typeof o.hostname === 'string' ? { pid: o.pid, hostname: o.hostname, startedAt: String(o.startedAt), token: String(o.token) } : undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Lock `dir` for this process: `lock.json` holds pid, hostname and start time, created atomically and exclusively
 * (written to a temp file, then hard-linked into place, which fails if a lock exists), so two processes never both
 * hold it. A lock left by a dead process on this host is taken over; a live one, or one from another host (whose
 * pids cannot be checked), is refused naming its owner. Returns the release function.
 */
export function acquireRunLock(dir: string, now: Date = new Date()): () => void {
  const file = path.join(dir, LOCK_FILE)
  const token = randomUUID()
  const me: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: now.toISOString(), token }
  const tmp = `${file}.${token}.tmp`
  writeFileSync(tmp, `${JSON.stringify(me)}\n`)
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, file)
        return () => releaseRunLock(file, me)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      let owner: LockOwner | undefined
      try {
        owner = readOwner(file)
      } catch {
        throw new RunLockedError(dir, `${file} cannot be read; if no cl-reproduce runs in this directory, delete it and resume again`)
      }
      if (owner === undefined) continue // released meanwhile
      if (owner.hostname !== me.hostname) {
        throw new RunLockedError(dir, `locked by pid ${owner.pid} on host ${owner.hostname} since ${owner.startedAt} (${file}); if that run is gone, delete the lock file and resume again`)
      }
      if (isAlive(owner.pid)) {
        throw new RunLockedError(dir, `a run (pid ${owner.pid}, since ${owner.startedAt}) is working in it (${file}); wait for it or stop it first`)
      }
      // stale: its process is gone. Remove it only if it is still that same stale lock, then retry the exclusive link.
      const again = readOwner(file)
      if (again !== undefined && again.token === owner.token) unlinkSync(file)
    }
    throw new RunLockedError(dir, `${file} keeps changing: another process is taking the lock`)
  } finally {
    unlinkSync(tmp)
  }
}

/** Remove the lock if it is still ours; never throws (it runs in `finally`, where it must not hide the run's error). */
function releaseRunLock(file: string, me: LockOwner): void {
  try {
    if (readOwnerSafe(file)?.token === me.token) unlinkSync(file)
  } catch {
    // already gone (the directory was removed); nothing to release
  }
}

/** Who holds the lock of `dir` (pid, host, start time); undefined when it is free or its file cannot be read. */
export function readLockOwner(dir: string): Pick<LockOwner, 'pid' | 'hostname' | 'startedAt'> | undefined {
  return readOwnerSafe(path.join(dir, LOCK_FILE))
}

/**
 * True when a run's status.json says `running` but its process, on this host, is gone (SIGKILL, OOM, a crash): what
 * `run all`'s index calls "stopped (process gone)" and a sweep's task state calls `stopped`. Another host's pids cannot
 * be checked, so a run there is never judged gone.
 */
export function isRunProcessGone(status: { state?: unknown; pid?: unknown; hostname?: unknown }): boolean {
  return status.state === 'running' && typeof status.pid === 'number' && status.hostname === hostname() && !isAlive(status.pid)
}

function readOwnerSafe(file: string): LockOwner | undefined {
  try {
    return readOwner(file)
  } catch {
    return undefined
  }
}
