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
  if (typeof v === 'number') {
    // YAML reads `k8sVersion: 1.30` as the number 1.3: a one-digit minor means a trailing zero was
    // lost (Kubernetes 1.1–1.9 are long gone).
    const [maj, min = '0'] = String(v).split('.');
    const minor = min.length === 1 && min !== '0' ? Number(min) * 10 : Number(min);
    return [Number(maj), minor];
  }
  const m = typeof v === 'string' ? /^v?(\d+)\.(\d+)/.exec(v.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** A boolean setting ("true"/"false" strings included). */
export function settingBool(settings: Readonly<Record<string, unknown>>, key: string, dflt: boolean): boolean {
  const v = settings[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return /^(true|yes|1|on)$/i.test(v.trim());
  return dflt;
}
