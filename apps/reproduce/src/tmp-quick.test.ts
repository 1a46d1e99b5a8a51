import { it } from 'vitest'
import { main } from './cli.js'
it('quick', async () => {
  const id = process.env['EXP'] ?? 'table1'
  const code = await main(['run', id, '--backend', 'wasm', '--preset', 'quick', '--out', `/tmp/quick-${id}-${Date.now()}`, ...(process.env['SETS'] ?? '').split(' ').filter(Boolean)])
  console.log('exit', code)
}, 3_600_000)
