import type { Severity } from '../../engine/types.js';

/** What each capability gives an attacker, and how bad that is. */
export const DANGEROUS: Readonly<Record<string, { severity: Severity; why: string }>> = {
  ALL: { severity: 'critical', why: 'every capability: root\'s full power over the kernel' },
  SYS_ADMIN: { severity: 'critical', why: 'mount, namespaces, BPF and more: a one-step container escape' },
  SYS_MODULE: { severity: 'critical', why: 'loads kernel modules: code execution in the node\'s kernel' },
  SYS_PTRACE: { severity: 'high', why: 'traces and injects code into other processes (with host PID: the node\'s)' },
  SYS_RAWIO: { severity: 'high', why: 'raw I/O ports and device memory access' },
  SYS_BOOT: { severity: 'high', why: 'reboots the node or loads a new kernel (kexec)' },
  NET_ADMIN: { severity: 'high', why: 'reconfigures interfaces, routes and firewall rules (with host network: the node\'s)' },
  NET_RAW: { severity: 'high', why: 'raw packets: ARP/DNS spoofing of neighbours' },
  BPF: { severity: 'high', why: 'loads BPF programs: kernel attack surface and tracing of other workloads' },
  PERFMON: { severity: 'high', why: 'perf and BPF tracing: reads other processes\' and kernel data' },
  MAC_ADMIN: { severity: 'high', why: 'changes the AppArmor/SELinux policy that confines containers' },
  MAC_OVERRIDE: { severity: 'high', why: 'overrides the mandatory access control that confines containers' },
  DAC_READ_SEARCH: { severity: 'high', why: 'open_by_handle_at: reads host files outside the container (the "shocker" escape)' },
  SYS_TIME: { severity: 'medium', why: 'sets the node\'s clock (time is not namespaced): breaks certificate and token validity' },
  SYSLOG: { severity: 'medium', why: 'reads the kernel log and kernel addresses (defeats KASLR for kernel exploits)' },
  SETPCAP: { severity: 'low', why: 'changes its own capability sets and securebits (already in the runtime default set)' },
};
