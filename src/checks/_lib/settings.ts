/** Reading check settings (`--set key=value`, config `settings:`) defensively. */

/** A list setting: a YAML/JSON list, or a comma-separated string. */
export function settingList(settings: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = settings[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

/** A Kubernetes minor version setting ("1.29", "v1.29.3", 1.29) as [major, minor]. */
export function settingVersion(settings: Readonly<Record<string, unknown>>, key: string): [number, number] | undefined {
  const v = settings[key];
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
  const m = s ? /^v?(\d+)\.(\d+)/.exec(s.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** A boolean setting ("true"/"false" strings included). */
export function settingBool(settings: Readonly<Record<string, unknown>>, key: string, dflt: boolean): boolean {
  const v = settings[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return /^(true|yes|1|on)$/i.test(v.trim());
  return dflt;
}
