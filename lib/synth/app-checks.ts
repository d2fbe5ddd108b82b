// The app-check registry, on the tooling entry point: the checks run by every app that holds one
// of the library's constructs. It lives in core (constructs enable it); this is its public face.
export { enableAppChecks, registerAppCheck, withoutAppChecks, appChecksEnabled } from '../core/app-checks';
export type { AppCheck } from '../core/app-checks';
