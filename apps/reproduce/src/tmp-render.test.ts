import { readFileSync, writeFileSync } from 'node:fs'
import { it } from 'vitest'
import { summarize, table1 } from './experiments/table1.js'
it('render', async () => {
  const dir = process.env['DIR']!
  const r = JSON.parse(readFileSync(`${dir}/result.json`, 'utf8'))
  const out = await summarize(r.config, r.metrics.perSeed)
  writeFileSync('/tmp/render.svg', out.figures[0]!.svg)
  void table1
})
