import type { ScriptJobOptions } from './batch';
import type { RunAs } from './pod';
import { readScript } from './script-file';

/** An image a Job's script runs on and the user it runs as (the image's own unprivileged user). */
export interface ScriptImage {
  readonly reference: string;
  readonly runAs: RunAs;
}

/**
 * The image of the Jobs' Python scripts (smoke tests, the dashboard link): Python with the
 * standard library, all they need, run as nobody (65534).
 * @internal
 */
export const PYTHON_JOB_IMAGE: ScriptImage = { reference: 'python:3.12.10-alpine3.21', runAs: { uid: 65534, gid: 65534 } };

/**
 * The Python module the Jobs' scripts import from beside them (`steps.py`: the bounded retry loop,
 * `Fatal`, `NotYet` and `json_object`), as `renderScriptJob`'s `sources`. Its source is `lib/core/scripts/steps.py`.
 * @internal
 */
export function pythonStepsSources(): Record<string, string> {
  return { 'steps.py': readScript(__dirname, 'steps.py') };
}

/**
 * A Python script of an area (`lib/<area>/scripts/<file>`, `areaDir` being the caller's
 * `__dirname`) as `renderScriptJob` runs it: with `steps.py` beside it, as the Python image's user.
 * @internal
 */
export function pythonScript(areaDir: string, file: string): Pick<ScriptJobOptions, 'file' | 'text' | 'sources' | 'runAs'> {
  if (!file.endsWith('.py')) throw new Error(`pythonScript: ${file} is not a .py script`);
  return { file, text: readScript(areaDir, file), sources: pythonStepsSources(), runAs: PYTHON_JOB_IMAGE.runAs };
}
