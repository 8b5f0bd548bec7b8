/**
 * Duplicate keys follow kubectl: `kubectl apply` validates strictly by default (the API server's
 * strict field validation, and kubectl's own YAML decoder) and refuses the object. The object is
 * still scanned with the last value, which is what `--validate=false` would store, so its other
 * findings are not lost; the error makes the run exit 2.
 */
export function duplicateKeyMessage(key: string): string {
  return `duplicate key ${JSON.stringify(key)}: kubectl apply refuses this object (strict field validation, its default); scanned with the last value, as --validate=false would store it`;
}
