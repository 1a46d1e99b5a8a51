import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCK_FILE, RunLockedError, acquireRunLock } from './run-lock.js'

const tmp = () => mkdtempSync(path.join(tmpdir(), 'cl-lock-'))
/** The pid of a process that has exited (so no process with it exists, unless the pid was reused meanwhile). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

describe('run directory lock', () => {
  it('records pid and hostname, refuses a second holder, and is released', () => {
    const dir = tmp()
    const release = acquireRunLock(dir)
    const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() })
    expect(() => acquireRunLock(dir)).toThrow(RunLockedError)
    expect(() => acquireRunLock(dir)).toThrow(new RegExp(`a run \\(pid ${process.pid}, since .*\\) is working in it`))
    release()
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    acquireRunLock(dir)()
    // no temp files left behind
    expect(readdirSync(dir)).toEqual([])
  })

  it('takes over a stale lock of a dead process on this host', () => {
    const dir = tmp()
    const pid = deadPid()
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'old' }))
    const release = acquireRunLock(dir)
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    release()
  })

  it("refuses another host's lock (its pid cannot be checked) and an unreadable one, saying what to do", () => {
    const dir = tmp()
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 1, hostname: `not-${hostname()}`, startedAt: 'x', token: 't' }))
    expect(() => acquireRunLock(dir)).toThrow(/locked by pid 1 on host not-.*delete the lock file/)
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 1, "host')
    expect(() => acquireRunLock(dir)).toThrow(/lock\.json cannot be read; if no cl-reproduce runs in this directory, delete it/)
  })
})
