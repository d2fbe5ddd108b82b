import * as os from 'os';

/**
 * Throws if `text` holds an absolute path of the machine that ran synth (its working directory,
 * temp dir or home) or a typical host path: output must depend only on the code and settings.
 */
export function assertNoMachinePaths(text: string, where: string): void {
  const locals = [process.cwd(), os.tmpdir(), os.homedir()].filter((p) => p.length > 1);
  const hit = locals.find((p) => text.includes(p))
    ?? /(^|[\s"'=:(])(\/(home|Users|tmp|var|private|work|root|opt)\/[^\s"']*|[A-Za-z]:\\[^\s"']*)/.exec(text)?.[2];
  if (hit) {
    throw new Error(`${where} contains the machine path ${JSON.stringify(hit)}. Fix: derive the value from settings, never from the file system.`);
  }
}
