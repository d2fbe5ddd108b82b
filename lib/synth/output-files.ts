/**
 * How the built-in targets write their files into the staging tree of {@link safeSynth}: a file
 * whose bytes equal those of the same file in the dist/ tree being replaced is hard-linked to it
 * instead of written. Most files are unchanged from one synth to the next, and creating a link
 * costs a directory entry where writing costs data too (on a busy disk about 0.05 ms against up to
 * 1 ms a file).
 *
 * What keeps the promises of safeSynth:
 * - Only regular files with the same bytes are linked, so the new tree is the tree a plain write
 *   would give (the same bytes; the link keeps the old file's mode and mtime).
 * - This writer never writes through an existing path: a file is created exclusively, and a path
 *   written twice is unlinked first. So nothing written here changes a file of dist/, and a
 *   failed synth, which deletes the staging tree (its links), leaves dist/ byte-for-byte as it was.
 *   Only the targets whose whole output goes through here use it (cdk8sTarget, gcp-kfp): a target
 *   of its own that edits its files after writing them must not.
 * - After the swap the previous tree is deleted, and each file is again the only name of its data.
 * Outside safeSynth (or where links are not supported) every file is simply written.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The staging tree being written and the tree it replaces, while safeSynth runs its targets. */
let current: { readonly staging: string; readonly previous: string } | undefined;

/** Runs `fn` (the targets of a safeSynth) with `previous` as the tree `staging` replaces. */
export function withPreviousTree<T>(staging: string, previous: string, fn: () => T): T {
  const outer = current;
  current = { staging: path.resolve(staging), previous: path.resolve(previous) };
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** The directory of the tree being replaced that corresponds to `outdir`, if `outdir` is in the staging tree. */
function previousDirOf(outdir: string): string | undefined {
  if (!current) return undefined;
  const rel = path.relative(current.staging, path.resolve(outdir));
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : path.join(current.previous, rel);
}

/** Whether `old` is a regular file holding exactly `data`. */
function sameBytes(old: string, data: Buffer): boolean {
  try {
    const st = fs.lstatSync(old);
    return st.isFile() && st.size === data.length && fs.readFileSync(old).equals(data);
  } catch {
    return false;
  }
}

/** Runs `create` (which fails with EEXIST on an existing path); an existing path is unlinked first, never written through. */
function createFresh(p: string, create: () => void): void {
  try {
    create();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    fs.rmSync(p, { force: true });
    create();
  }
}

/**
 * Writes `files` (paths relative to `outdir`, "/"-separated) into `outdir`, creating directories;
 * inside a safeSynth, unchanged files are hard-linked from the tree being replaced (see above).
 */
export function writeOutputFiles(outdir: string, files: Iterable<[string, string]>): void {
  const previous = previousDirOf(outdir);
  const made = new Set<string>();
  for (const [file, text] of files) {
    const parts = file.split('/');
    const p = path.join(outdir, ...parts);
    const dir = path.dirname(p);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const data = Buffer.from(text, 'utf8');
    if (previous) {
      const old = path.join(previous, ...parts);
      if (sameBytes(old, data)) {
        try {
          createFresh(p, () => fs.linkSync(old, p));
          continue;
        } catch {
          // No hard links here (another filesystem, or not supported): write it.
        }
      }
    }
    createFresh(p, () => fs.writeFileSync(p, data, { flag: 'wx' }));
  }
}
