/** Host namespace fields the API refuses together with hostUsers: false. */
export const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
