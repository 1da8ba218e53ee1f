/**
 * The declaration in spec/ is complete, consistent, and src/gen/ is what it generates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeclaration, declaration, generate, Model } from '../../spec/codegen/generate.js';
import { COMMANDS } from '../../src/gen/commands.js';
import { TPM_ALG, TPM_CC, TPM_ECC } from '../../src/gen/constants.js';

const root = join(import.meta.dirname, '..', '..');

describe('spec/', () => {
  it('has no dangling cross-references (types, selectors, counts, sizes, bounds)', () => {
    expect(checkDeclaration(new Model(declaration))).toEqual([]);
  });

  it('src/gen/ is fresh (run `npm run gen` after editing spec/)', () => {
    for (const [path, text] of generate()) {
      const onDisk = readFileSync(join(root, path), 'utf8');
      expect(onDisk, `${path} is stale`).toBe(text);
    }
  });

  it('declares every command code of TPM_CC', () => {
    const declared = new Set(Object.values(COMMANDS).map((c) => c.code));
    const missing = Object.entries(TPM_CC).filter(([name, code]) => !/^(FIRST|LAST)$/.test(name) && !declared.has(code));
    expect(missing).toEqual([]);
    expect(Object.keys(COMMANDS).length).toBeGreaterThanOrEqual(122);
  });

  it('includes the SM algorithms and curve', () => {
    expect(TPM_ALG.SM3_256).toBe(0x0012);
    expect(TPM_ALG.SM4).toBe(0x0013);
    expect(TPM_ALG.SM2).toBe(0x001b);
    expect(TPM_ECC.SM2_P256).toBe(0x0020);
  });

  it('keeps spec names and attributes for well-known commands', () => {
    expect(COMMANDS.Create.handles).toEqual([{ name: 'parentHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' } }]);
    expect(COMMANDS.Create.params.map((p) => p.name)).toEqual(['inSensitive', 'inPublic', 'outsideInfo', 'creationPCR']);
    expect(COMMANDS.Create.decrypt && COMMANDS.Create.encrypt).toBe(true);
    expect(COMMANDS.EvictControl.handles.map((h) => h.name)).toEqual(['auth', 'objectHandle']);
    expect(COMMANDS.EvictControl.nv).toBe(true);
    expect(COMMANDS.CreatePrimary.responseHandles.map((h) => h.name)).toEqual(['objectHandle']);
    expect(COMMANDS.FlushContext.params.map((p) => p.name)).toEqual(['flushHandle']);
    expect(COMMANDS.PCR_Reset.nv).toBe(true);
    expect(COMMANDS.Startup.tag).toBe('no-sessions');
  });
});
