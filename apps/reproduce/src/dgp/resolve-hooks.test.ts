import { describe, expect, it, vi } from 'vitest'
import { createResolve, shouldRedirect, type DgpHooksData } from './resolve-hooks.js'

const data: DgpHooksData = { cliUrl: 'file:///opt/cli/dist/cli.js', cliRoot: 'file:///opt/cli/' }
const context = { conditions: ['node', 'import'], parentURL: 'file:///home/me/dgp.mjs' }

describe('shouldRedirect', () => {
  it('redirects @cl/* and @tensorflow/* imported by a module outside the CLI and outside node_modules', () => {
    expect(shouldRedirect('@cl/dgp', 'file:///home/me/dgp.mjs', data)).toBe(true)
    expect(shouldRedirect('@tensorflow/tfjs', 'file:///tmp/x/y.mjs', data)).toBe(true)
  })
  it('leaves other specifiers, the CLI’s own code, packages in node_modules and non-file parents alone', () => {
    expect(shouldRedirect('ml-matrix', 'file:///home/me/dgp.mjs', data)).toBe(false)
    expect(shouldRedirect('./helper.mjs', 'file:///home/me/dgp.mjs', data)).toBe(false)
    expect(shouldRedirect('@clx/dgp', 'file:///home/me/dgp.mjs', data)).toBe(false)
    expect(shouldRedirect('@cl/dgp', 'file:///opt/cli/dist/chunk-1.js', data)).toBe(false)
    expect(shouldRedirect('@tensorflow/tfjs-core', 'file:///home/me/node_modules/@tensorflow/tfjs/dist/index.js', data)).toBe(false)
    expect(shouldRedirect('@cl/dgp', undefined, data)).toBe(false)
    expect(shouldRedirect('@cl/dgp', 'data:text/javascript,1', data)).toBe(false)
  })
})

describe('resolve hook', () => {
  it('re-resolves a shared package as if the CLI imported it, keeping the rest of the context', async () => {
    const next = vi.fn(async (specifier: string, ctx?: { parentURL?: string }) => ({ url: `file:///resolved/${specifier}?from=${ctx?.parentURL}` }))
    const result = await createResolve(data)('@cl/dgp', context, next)
    expect(next).toHaveBeenCalledTimes(1)
    expect(next).toHaveBeenCalledWith('@cl/dgp', { conditions: ['node', 'import'], parentURL: data.cliUrl })
    expect(result.url).toBe(`file:///resolved/@cl/dgp?from=${data.cliUrl}`)
  })

  it('passes everything else through unchanged', async () => {
    const next = vi.fn(async (specifier: string) => ({ url: `file:///x/${specifier}` }))
    await createResolve(data)('./helper.mjs', context, next)
    expect(next).toHaveBeenCalledWith('./helper.mjs', context)
  })

  it('falls back to the module’s own resolution when the CLI does not have the package', async () => {
    const next = vi.fn(async (specifier: string, ctx?: { parentURL?: string }) => {
      if (ctx?.parentURL === data.cliUrl) throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' })
      return { url: 'file:///home/me/node_modules/@tensorflow/tfjs-vis/index.js' }
    })
    const result = await createResolve(data)('@tensorflow/tfjs-vis', context, next)
    expect(next).toHaveBeenCalledTimes(2)
    expect(next).toHaveBeenLastCalledWith('@tensorflow/tfjs-vis', context)
    expect(result.url).toBe('file:///home/me/node_modules/@tensorflow/tfjs-vis/index.js')
  })
})
