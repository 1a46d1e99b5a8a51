#!/usr/bin/env node
// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function, as a Markdown table.
//   node apps/reproduce/scripts/summarize-cpuprofile.mjs PROFILE.cpuprofile [--top 25] [--root train]
// --root NAME keeps only the samples with a function named NAME on the stack (e.g. `train`, to leave out setup) and
// gives percentages of those.
// Inclusive time counts a function once per sample even when it recurses; wasm frames show as `wasm-function[i]`
// (or their export names), so the tfjs kernel calling them (e.g. `batchMatMul`) is the useful row.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'

const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25
const rootAt = args.indexOf('--root')
const root = rootAt >= 0 ? args[rootAt + 1] : undefined
const file = args.find((a, i) => !a.startsWith('--') && i !== topAt + 1 && i !== rootAt + 1)
if (file === undefined) throw new Error('usage: summarize-cpuprofile.mjs PROFILE.cpuprofile [--top N]')
const profile = JSON.parse(readFileSync(file, 'utf8'))

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const label = (n) => {
  const cf = n.callFrame
  const name = cf.functionName || '(anonymous)'
  if (cf.url === '' || name.startsWith('(')) return name
  return `${name} (${basename(cf.url)}:${cf.lineNumber + 1})`
}

// Sample weights: time deltas in µs.
const self = new Map()
const incl = new Map()
let total = 0
const { samples, timeDeltas } = profile
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? timeDeltas[i] ?? 0
  let id = samples[i]
  if (root !== undefined) {
    let r = id
    while (r !== undefined && byId.get(r).callFrame.functionName !== root) r = parent.get(r)
    if (r === undefined) continue
  }
  total += dt
  const leaf = label(byId.get(id))
  self.set(leaf, (self.get(leaf) ?? 0) + dt)
  const seen = new Set()
  while (id !== undefined) {
    const l = label(byId.get(id))
    if (!seen.has(l)) {
      seen.add(l)
      incl.set(l, (incl.get(l) ?? 0) + dt)
    }
    id = parent.get(id)
  }
}
const pct = (x) => ((100 * x) / total).toFixed(1)
const table = (title, map) => {
  console.log(`\n${title}\n\n| % | ms | function |\n|---:|---:|---|`)
  for (const [l, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${pct(t)} | ${(t / 1000).toFixed(0)} | ${l.replace(/\|/g, '\\|')} |`)
}
console.log(`${basename(file)}: ${(total / 1e6).toFixed(2)} s sampled${root === undefined ? '' : ` under ${root}`}`)
table('Self time', self)
table('Inclusive time', incl)
