import { readScript } from '../core/script-file';

/**
 * The shell functions the setup Jobs' scripts source from beside them (`lib-wait.sh`: the bounded
 * `wait_for`), as `renderScriptJob`'s `sources`.
 * @internal
 */
export function setupScriptSources(): Record<string, string> {
  return { 'lib-wait.sh': readScript(__dirname, 'lib-wait.sh') };
}
