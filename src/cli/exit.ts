/** Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A usage error the CLI reports on stderr and exits 2 for. */
export class UsageError extends Error {}
