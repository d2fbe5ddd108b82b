import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SynthTarget } from '../../lib/synth/synth';

// Root ignores file modes, so a failing delete is injected: rmSync throws for paths matching `failOn`.
const failOn = vi.hoisted(() => ({ pattern: undefined as RegExp | undefined }));
vi.mock('fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('fs')>();
  const rmSync: typeof real.rmSync = (p, options) => {
    if (failOn.pattern?.test(String(p))) throw Object.assign(new Error(`EBUSY: resource busy or locked, rmdir '${p}'`), { code: 'EBUSY' });
    return real.rmSync(p, options);
  };
  return { ...real, default: { ...real, rmSync }, rmSync };
});

// Test files share a worker's modules (vitest.config.mts: isolate false), so lib/synth may already
// be loaded with the real fs: load it afresh, after the mock.
let safeSynth: typeof import('../../lib/synth/synth').safeSynth;
beforeAll(async () => {
  vi.resetModules();
  ({ safeSynth } = await import('../../lib/synth/synth'));
});

const tiny = (marker: string): SynthTarget => ({ name: 'tiny', synth: (out) => { fs.writeFileSync(path.join(out, `${marker}.txt`), marker); } });
const contents = (dist: string) => fs.readdirSync(path.join(dist, 'tiny'));

describe('safeSynth when deleting the previous tree fails after the swap', () => {
  let work: string;
  let dist: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-synth-late-'));
    dist = path.join(work, 'dist');
    safeSynth(dist, [tiny('old')]);
  });
  afterEach(() => {
    failOn.pattern = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('succeeds with the new tree in place and a warning naming the leftover, and later runs are not wedged', () => {
    failOn.pattern = /\.dist-previous-/;
    const { warnings } = safeSynth(dist, [tiny('new')]);
    expect(contents(dist)).toEqual(['new.txt']);
    const leftover = fs.readdirSync(work).filter((n) => n !== 'dist');
    expect(leftover).toEqual([expect.stringMatching(/^\.dist-previous-\d+-\d+$/)]);
    const at = path.join(work, leftover[0]);
    expect(warnings).toEqual([
      `${dist} was updated, but its previous tree ${at} could not be removed (EBUSY: resource busy or locked, rmdir '${at}'); it is harmless and the next synth retries. Fix: delete it by hand if it stays.`,
    ]);
    expect(fs.readdirSync(path.join(at, 'tiny'))).toEqual(['old.txt']);

    // Still undeletable: the next run succeeds too and says so again.
    const again = safeSynth(dist, [tiny('newer')]);
    expect(contents(dist)).toEqual(['newer.txt']);
    expect(again.warnings).toHaveLength(2);
    expect(again.warnings[0]).toBe(`The previous tree of an earlier synth ${at} could not be removed (EBUSY: resource busy or locked, rmdir '${at}'); it is harmless and the next synth retries. Fix: delete it by hand if it stays.`);

    // Once it can be deleted, the next run removes every leftover.
    failOn.pattern = undefined;
    expect(safeSynth(dist, [tiny('last')])).toEqual({ warnings: [] });
    expect(contents(dist)).toEqual(['last.txt']);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('a failing synth with undeletable leftovers still fails for its own reason and keeps dist/', () => {
    failOn.pattern = /\.dist-previous-/;
    safeSynth(dist, [tiny('new')]);
    expect(() => safeSynth(dist, [{ name: 'broken', synth: () => { throw new Error('injected failure'); } }])).toThrow('injected failure');
    expect(contents(dist)).toEqual(['new.txt']);
  });
});
