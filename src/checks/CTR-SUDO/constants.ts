/** Where a container runs commands: command, args, exec probes and exec lifecycle handlers. */
export const COMMAND_LISTS: ReadonlyArray<readonly string[]> = [
  ['command'],
  ['args'],
  ...['livenessProbe', 'readinessProbe', 'startupProbe'].map((probe) => [probe, 'exec', 'command']),
  ...['postStart', 'preStop'].map((h) => ['lifecycle', h, 'exec', 'command']),
];
