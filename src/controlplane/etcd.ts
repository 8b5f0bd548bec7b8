/**
 * etcd's settings from its command line and environment: a flag wins; otherwise etcd reads
 * ETCD_<FLAG> (dashes to underscores, upper case) when it is not empty. With --config-file (or
 * ETCD_CONFIG_FILE) etcd reads that YAML file and ignores every other flag and variable
 * (server/etcdmain/config.go).
 */
import type { Path } from '../load/types.js';
import { parseGoBool } from './flags/parse.js';
import type { ComponentProcess } from './process.js';

export interface EtcdSetting {
  value: string;
  path: Path;
  from: 'flag' | 'env';
}

export function envName(flag: string): string {
  return `ETCD_${flag.toUpperCase().replaceAll('-', '_')}`;
}

export function etcdSetting(p: ComponentProcess, flag: string): EtcdSetting | undefined {
  const f = p.flags.last(flag);
  if (f) return { value: f.value, path: f.arg.path, from: 'flag' };
  const name = envName(flag);
  for (let i = p.env.length - 1; i >= 0; i--) {
    const e = p.env[i];
    if (e.name === name && e.value !== '') return { value: e.value, path: e.path, from: 'env' };
  }
  return undefined;
}

export function etcdBool(p: ComponentProcess, flag: string): { value: boolean | undefined; setting?: EtcdSetting } {
  const s = etcdSetting(p, flag);
  return { value: s ? parseGoBool(s.value) : false, setting: s };
}

/** etcd takes its settings from --config-file: its flags say nothing (CP-NOT-ASSESSABLE reports it). */
export function etcdUsesConfigFile(p: ComponentProcess): boolean {
  const s = etcdSetting(p, 'config-file');
  return s !== undefined && s.value !== '';
}

export function describeSetting(flag: string, s: EtcdSetting | undefined, fallback: string): string {
  if (!s) return `--${flag} is not set (default ${fallback})`;
  return s.from === 'flag' ? `--${flag}=${s.value}` : `${envName(flag)}=${s.value}`;
}
