/**
 * The core runs in browsers: bundling src/index.ts for the browser platform must not reach any
 * Node built-in, and no core source mentions Buffer or node: imports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser-safe core', () => {
  it('bundles for the browser without Node built-ins', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('src/node/'))).toEqual([]);
    const size = result.outputFiles![0].contents.length;
    expect(size).toBeGreaterThan(10_000);
  });

  it('no core source uses Buffer, process or node: modules', () => {
    const offenders = sources(join(root, 'src'))
      .filter((p) => !relative(root, p).startsWith('src/node/'))
      .filter((p) => /from ['"]node:|\bBuffer\.[a-zA-Z]+\(|:\s*Buffer\b|\bprocess\.(env|argv|exit|on|platform|version|nextTick|stdout|stderr|memoryUsage|hrtime)\b|\brequire\(/.test(readFileSync(p, 'utf8')))
      .map((p) => relative(root, p));
    expect(offenders).toEqual([]);
  });
});
