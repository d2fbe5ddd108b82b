import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { pythonStepsSources } from '../../lib/core/python-job';
import { runPython } from '../support/run-script';

const STEPS_PY = fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'core', 'scripts', 'steps.py'), 'utf8');

/** A step that plays `$STEPS` (ok, notyet or fatal, one a try) and counts its tries. */
const DRIVER = `
import os, sys, time
import steps

plan = os.environ["STEPS"].split(",")
tries = []

def step():
    tries.append(time.monotonic())
    what = plan[min(len(tries), len(plan)) - 1]
    if what == "fatal":
        raise steps.Fatal("wrong answer")
    if what == "notyet":
        raise steps.NotYet("HTTP 503")
    return f"passed on try {len(tries)}"

attempts, delay = steps.settings(3, 0)
ok = steps.until_done("the check", step, attempts, delay)
print(f"tries={len(tries)} attempts={attempts} delay={delay:g} elapsed={time.monotonic() - tries[0]:.1f}")
sys.exit(0 if ok else 1)
`;

const run = (env: Record<string, string>) => runPython(DRIVER, env, { 'steps.py': STEPS_PY });

describe('steps.py (the retry loop the Python Jobs share, and json_object)', () => {
  it('is what the Jobs ship beside their scripts, and parses', () => {
    expect(pythonStepsSources()).toEqual({ 'steps.py': STEPS_PY });
    expect(spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: STEPS_PY, encoding: 'utf8' }).status).toBe(0);
  });

  it('passes at once when the step passes, printing what it saw on stdout only', async () => {
    const r = await run({ STEPS: 'ok' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: the check: passed on try 1\ntries=1 attempts=3 delay=0 elapsed=0.0\n');
  });

  it('retries NotYet, counting the tries, then passes', async () => {
    const r = await run({ STEPS: 'notyet,notyet,ok' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('waiting: the check: HTTP 503 (1/3)\nwaiting: the check: HTTP 503 (2/3)\n');
    expect(r.stdout).toContain('ok: the check: passed on try 3');
  });

  it('fails at once on Fatal, without another try', async () => {
    const r = await run({ STEPS: 'notyet,fatal,ok' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('waiting: the check: HTTP 503 (1/3)\nFAIL: the check: wrong answer\n');
    expect(r.stdout).toBe('tries=2 attempts=3 delay=0 elapsed=0.0\n');
  });

  it('gives up after ATTEMPTS tries (a wait that never succeeds exits non-zero), without sleeping after the last', async () => {
    const r = await run({ STEPS: 'notyet', ATTEMPTS: '2', RETRY_SECONDS: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('waiting: the check: HTTP 503 (1/2)\nwaiting: the check: HTTP 503 (2/2)\nFAIL: the check: no answer after 2 attempts\n');
    // one pause of 1 s between the two tries, none after the last
    expect(r.stdout).toMatch(/^tries=2 attempts=2 delay=1 elapsed=1\.[0-4]\n$/);
  });

  it('waits RETRY_SECONDS between tries', async () => {
    const r = await run({ STEPS: 'notyet,ok', RETRY_SECONDS: '0.5' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok: the check: passed on try 2\ntries=2 attempts=3 delay=0\.5 elapsed=0\.[5-9]\n$/);
  });

  it.each([
    ['{"a": 1}', '', '{\'a\': 1}'],
    ['[1]', 'FAIL: the check: the answer is not a JSON object\n', ''],
    ['<html>', 'FAIL: the check: the answer is not valid JSON (Expecting value: line 1 column 1 (char 0))\n', ''],
  ])('json_object(%j) fails the step unless it is a JSON object', async (text, stderr, stdout) => {
    const driver = 'import os, sys, steps\nok = steps.until_done("the check", lambda: steps.json_object(os.environ["TEXT"], "the answer"), 1, 0)\nsys.exit(0 if ok else 1)\n';
    const r = await runPython(driver, { TEXT: text }, { 'steps.py': STEPS_PY });
    expect(r.stderr).toBe(stderr);
    expect(r.stdout).toBe(stdout ? `ok: the check: ${stdout}\n` : '');
    expect(r.status).toBe(stderr ? 1 : 0);
  });
});
