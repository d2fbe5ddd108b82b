/**
 * The filesystem side of {@link safeSynth}: a lock beside dist/ that serialises overlapping runs,
 * the swap of a finished staging tree into place, and the recovery of what a killed run left.
 *
 * Everything lives in dist/'s parent directory, under names git ignores:
 * - `.dist.lock`: held by one run from before its staging directory exists until after its swap.
 *   It holds the owner's pid, host and process start time, so a crashed owner (dead pid, or a pid
 *   reused by another process) never wedges later runs: its lock is taken over as stale.
 * - `.dist-staging-<pid>`: the tree being written; under the lock, any other staging directory is
 *   a dead run's and is removed.
 * - `.dist-previous-<ms>-<pid>`: the old tree during the swap. The swap is two renames (POSIX has
 *   no atomic exchange of two directories Node can call, and dist/ must stay a real directory for
 *   git and Argo CD, so a symlink swap is out). A kill between them leaves no dist/ but this
 *   complete old tree; the next run, whatever its outcome, renames it back first thing under the
 *   lock. Once the new tree is in place, failing to delete the old one is only a warning.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface DistLockOptions {
  /**
   * How long to wait for another run holding the lock before failing.
   * @default 120000 (synth takes seconds; a run that holds it longer is hung)
   */
  readonly lockTimeoutMs?: number;
  /** Called once when another live run holds the lock and this one starts waiting. @default - silent */
  readonly onLockWait?: (holder: string) => void;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** When the run took the lock (ISO 8601), for messages. */
  readonly started: string;
  /** The kernel's start time of the process (Linux), to tell a reused pid apart. */
  readonly procStart?: string;
}

/** The start time of a process in clock ticks since boot (Linux /proc), or undefined elsewhere. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine's run: cannot tell, so wait
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStartOf(owner.pid);
  return !(owner.procStart && now && now !== owner.procStart);
}

function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, started ${owner.started}`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(lock: string): { owner?: LockOwner; ino: number } | undefined {
  let ino: number;
  let text: string;
  try {
    ino = fs.statSync(lock).ino;
    text = fs.readFileSync(lock, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? { owner, ino } : { ino };
  } catch {
    return { ino }; // not written by safeSynth (the file is created whole with link()): stale
  }
}

/** Moves a stale lock out of the way, unless another run replaced it meanwhile. */
function removeStale(lock: string, ino: number): void {
  const aside = `${lock}-stale-${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (fs.statSync(aside).ino !== ino) {
    // Another run took the stale lock over and holds a fresh one: give it back.
    try { fs.linkSync(aside, lock); } catch { /* a third run holds it now; we keep waiting */ }
  }
  fs.rmSync(aside, { force: true });
}

/** Runs `fn` holding the lock of `dist` (see the file comment), waiting for a live holder. */
export function withDistLock<T>(dist: string, options: DistLockOptions, fn: () => T): T {
  const lock = path.join(path.dirname(dist), `.${path.basename(dist)}.lock`);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), procStart: procStartOf(process.pid) };
  const mine = `${lock}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.mkdirSync(path.dirname(dist), { recursive: true });
  // Written whole, then linked into place: nobody ever reads a half-written lock.
  fs.writeFileSync(mine, `${JSON.stringify(me)}\n`);
  const timeout = options.lockTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeout;
  let waited = false;
  try {
    for (;;) {
      try {
        fs.linkSync(mine, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readOwner(lock);
      if (!held) continue;
      if (!held.owner || !isAlive(held.owner)) {
        removeStale(lock, held.ino);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(`safeSynth: ${dist} is locked by another synth (${describeOwner(held.owner)}) and it did not finish within ${timeout} ms. `
          + `Fix: wait for it to finish, or stop it; if no such process runs, delete ${lock}.`);
      }
      if (!waited) options.onLockWait?.(describeOwner(held.owner));
      waited = true;
      sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  try {
    return fn();
  } finally {
    const held = readOwner(lock);
    if (held?.owner?.pid === me.pid && held.owner.started === me.started) fs.rmSync(lock, { force: true });
  }
}

/** Where a run writes its tree before the swap. */
export function stagingDirFor(dist: string): string {
  return path.join(path.dirname(dist), `.${path.basename(dist)}-staging-${process.pid}`);
}

function leftovers(dist: string): { staging: string[]; previous: string[] } {
  const parent = path.dirname(dist);
  const base = path.basename(dist);
  const names = fs.existsSync(parent) ? fs.readdirSync(parent) : [];
  // Oldest first: .dist-previous-<ms>-<pid>; a name without the time sorts first.
  const time = (n: string) => Number(/^\.[^]*-previous-(\d+)-\d+$/.exec(n)?.[1] ?? 0);
  return {
    staging: names.filter((n) => n.startsWith(`.${base}-staging-`)).map((n) => path.join(parent, n)),
    previous: names.filter((n) => n.startsWith(`.${base}-previous-`)).sort((a, b) => time(a) - time(b)).map((n) => path.join(parent, n)),
  };
}

function tryRemove(dir: string, warnings: string[], what: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    warnings.push(`${what} ${dir} could not be removed (${(e as Error).message}); it is harmless and the next synth retries. Fix: delete it by hand if it stays.`);
  }
}

/**
 * Call holding the lock. Puts back the previous tree of a run killed between its two renames (dist/
 * missing), then removes every staging and previous tree left by dead runs. Never throws: what it
 * cannot remove is returned as warnings and retried next time.
 */
export function recoverInterruptedSwap(dist: string): string[] {
  const warnings: string[] = [];
  const { staging, previous } = leftovers(dist);
  if (!fs.existsSync(dist) && previous.length) {
    const newest = previous.pop()!;
    try {
      fs.renameSync(newest, dist);
    } catch (e) {
      previous.push(newest);
      warnings.push(`${dist} is missing and the tree of an interrupted synth could not be put back from ${newest} (${(e as Error).message}). Fix: rename it to ${dist} by hand.`);
    }
  }
  for (const dir of staging) tryRemove(dir, warnings, 'The staging tree of an earlier synth');
  for (const dir of previous) tryRemove(dir, warnings, 'The previous tree of an earlier synth');
  return warnings;
}

/**
 * Call holding the lock. Replaces `dist` by `staging` with two renames; if the second fails, the
 * first is undone and the error thrown (dist/ unchanged). After the swap nothing throws: a previous
 * tree that cannot be deleted is reported in the returned warnings.
 */
export function swapIntoPlace(staging: string, dist: string): string[] {
  const previous = path.join(path.dirname(dist), `.${path.basename(dist)}-previous-${Date.now()}-${process.pid}`);
  const hadDist = fs.existsSync(dist);
  // The window: between these two renames there is no dist/ (microseconds; see the file comment).
  if (hadDist) fs.renameSync(dist, previous);
  try {
    fs.renameSync(staging, dist);
  } catch (e) {
    if (hadDist) fs.renameSync(previous, dist);
    throw e;
  }
  const warnings: string[] = [];
  if (hadDist) tryRemove(previous, warnings, `${dist} was updated, but its previous tree`);
  return warnings;
}
