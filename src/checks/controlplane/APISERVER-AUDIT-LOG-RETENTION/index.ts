import type { ComponentProcess } from '../../../controlplane/process.js';
import { processCheck } from '../../_lib/controlplane.js';
import { AUDITING, CIS_K8S, KUBE_APISERVER_REF, NSA } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

/** The CIS minimums: days, files, megabytes. */
const MIN = { 'audit-log-maxage': 30, 'audit-log-maxbackup': 10, 'audit-log-maxsize': 100 } as const;

function intFlag(p: ComponentProcess, name: keyof typeof MIN): number | undefined {
  const v = p.flags.value(name);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export const check = processCheck(
  {
    id: 'APISERVER-AUDIT-LOG-RETENTION',
    title: 'API server audit log is kept too briefly, or grows without bound',
    severity: 'low',
    category: 'control-plane',
    attack: 'Audit events deleted after a few days or files are gone before anyone investigates; a log that is never pruned fills the disk, and then the API server either blocks requests or drops events.',
    remediation: 'Set --audit-log-maxage=30 (days), --audit-log-maxbackup=10 (files) and --audit-log-maxsize=100 (MB), or more, and ship the log off the node.',
    references: [AUDITING, KUBE_APISERVER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_92', 'CKV_K8S_93', 'CKV_K8S_94'] },
    controls: { cis: ['1.2.17', '1.2.18', '1.2.19'], nsa: [NSA.audit] },
  },
  ['kube-apiserver'],
  function* (p) {
    const log = p.flags.nonEmpty('audit-log-path');
    if (!log || log.value === '-') return; // no file (APISERVER-AUDIT-LOG), or standard output
    const maxage = intFlag(p, 'audit-log-maxage') ?? 0;
    const maxbackup = intFlag(p, 'audit-log-maxbackup') ?? 0;
    for (const name of Object.keys(MIN) as Array<keyof typeof MIN>) {
      const v = intFlag(p, name);
      if (v !== undefined && v > 0 && v < MIN[name]) {
        yield { message: `--${name}=${v} is below ${MIN[name]}: audit ${name === 'audit-log-maxsize' ? 'files rotate after' : name === 'audit-log-maxage' ? 'files are deleted after' : 'rotation keeps only'} ${v} ${name === 'audit-log-maxage' ? 'days' : name === 'audit-log-maxbackup' ? 'old files' : 'MB'}`, path: p.flags.last(name)!.arg.path };
      }
    }
    if (maxage === 0 && maxbackup === 0) {
      yield {
        message: 'neither --audit-log-maxage nor --audit-log-maxbackup is set: rotated audit files (every --audit-log-maxsize MB, default 100) are never deleted and fill the disk',
        path: p.flags.last('audit-log-maxage')?.arg.path ?? p.flags.last('audit-log-maxbackup')?.arg.path ?? log.arg.path,
      };
    }
  },
);
