/**
 * Reads a component's command line the way the component itself does: pflag for the Kubernetes
 * components (`--f=v`, `--f v`, `--f` for booleans, `-v=2` shorthands, `--a_b` normalized to
 * `--a-b`, interspersed positional arguments), Go's flag package for etcd (`-f` and `--f`,
 * parsing stops at the first non-flag). Repeated flags follow the flag's kind: lists and maps
 * accumulate, everything else keeps the last value.
 *
 * Unlike the component, parsing goes on after a problem, so that every problem is reported and
 * the flags that did parse are still checked. A problem is `fatal` when the component refuses to
 * start with that command line.
 */
import type { Path } from '../../load/types.js';
import { closest } from './suggest.js';
import { flagTable, type Component, type FlagKind, type FlagTable } from './table.js';

/** One argument of the command line and where it is (a `command`/`args` item, or a process argument). */
export interface Arg {
  text: string;
  path: Path;
}

export interface FlagOccurrence {
  /** Canonical flag name (normalized, shorthand resolved), without dashes. */
  name: string;
  kind: FlagKind;
  /** The value as the component receives it (for a bare boolean: "true"). */
  value: string;
  /** The argument that names the flag: findings about it point here. */
  arg: Arg;
  /** `--flag value`: the separate argument that holds the value. */
  valueArg?: Arg;
}

export type FlagProblemKind =
  | 'unknown-flag'
  | 'bad-syntax'
  | 'missing-value'
  | 'stray-argument'
  | 'invalid-bool'
  | 'quoted-value'
  | 'repeated-value';

export interface FlagProblem {
  kind: FlagProblemKind;
  message: string;
  arg: Arg;
  /** The flag concerned (canonical name), and the value it was given, when known. */
  flag?: string;
  value?: string;
  /** The component refuses to start with this command line. */
  fatal: boolean;
}

export interface BoolFlag {
  value: boolean;
  at: FlagOccurrence;
}

export interface ListItem {
  value: string;
  at: FlagOccurrence;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool, which both pflag and Go's flag package use. */
export function parseGoBool(s: string): boolean | undefined {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}

/**
 * pflag reads list values as one CSV record (encoding/csv): commas split, double quotes group,
 * spaces are kept. Returns undefined for a value CSV rejects (a stray quote).
 */
export function readCsv(value: string): string[] | undefined {
  if (value === '') return [];
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) return undefined;
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ',') return undefined;
    } else {
      const comma = value.indexOf(',', i);
      field = value.slice(i, comma < 0 ? value.length : comma);
      if (field.includes('"')) return undefined;
      i = comma < 0 ? value.length : comma;
    }
    out.push(field);
    if (i >= value.length) return out;
    i++; // the comma
  }
}

/** Values of flags that could carry a credential are never printed (file paths are fine). */
export function shownValue(name: string, value: string): string {
  return /password|secret|token|credential|key$/i.test(name) && !/file|dir|path|ttl|type/i.test(name) ? '<redacted>' : value;
}

function quoted(v: string): boolean {
  return v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")));
}

export class ParsedFlags {
  readonly component: Component;
  readonly table: FlagTable;
  readonly occurrences: FlagOccurrence[] = [];
  readonly problems: FlagProblem[] = [];
  readonly #byName = new Map<string, FlagOccurrence[]>();

  constructor(component: Component) {
    this.component = component;
    this.table = flagTable(component);
  }

  add(o: FlagOccurrence): void {
    this.occurrences.push(o);
    let list = this.#byName.get(o.name);
    if (!list) this.#byName.set(o.name, (list = []));
    list.push(o);
  }

  /** Set explicitly on the command line (an empty value counts: `--audit-log-path=` is set, to ""). */
  isSet(name: string): boolean {
    return this.#byName.has(name);
  }

  all(name: string): readonly FlagOccurrence[] {
    return this.#byName.get(name) ?? [];
  }

  /** The occurrence that wins for a single-valued flag: the last one. */
  last(name: string): FlagOccurrence | undefined {
    const list = this.#byName.get(name);
    return list?.[list.length - 1];
  }

  /** The value a single-valued flag ends up with; undefined when not set. */
  value(name: string): string | undefined {
    return this.last(name)?.value;
  }

  /** A non-empty value (an empty one, `--f=`, leaves the default in place for paths and addresses). */
  nonEmpty(name: string): FlagOccurrence | undefined {
    const o = this.last(name);
    return o && o.value !== '' ? o : undefined;
  }

  /** A boolean flag's value; undefined when not set or when the value does not parse (reported as a problem). */
  bool(name: string): BoolFlag | undefined {
    const o = this.last(name);
    if (!o) return undefined;
    const v = parseGoBool(o.value);
    return v === undefined ? undefined : { value: v, at: o };
  }

  /** A list flag's items, accumulated over repetitions as pflag does (the first use replaces the default). */
  list(name: string): ListItem[] | undefined {
    const list = this.#byName.get(name);
    if (!list) return undefined;
    const out: ListItem[] = [];
    for (const o of list) for (const v of readCsv(o.value) ?? [o.value]) out.push({ value: v, at: o });
    return out;
  }

  /** A map flag's entries (`k=v,k2=v2`), accumulated over repetitions; the last value of a key wins. */
  map(name: string): Map<string, ListItem> | undefined {
    const list = this.#byName.get(name);
    if (!list) return undefined;
    const out = new Map<string, ListItem>();
    for (const o of list) {
      for (const part of o.value.split(',')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        out.set(part.slice(0, eq).trim(), { value: part.slice(eq + 1).trim(), at: o });
      }
    }
    return out;
  }
}

/** The component's view of a flag name: underscores become dashes for Kubernetes components. */
function canonical(table: FlagTable, name: string): string {
  return table.normalizes ? name.replaceAll('_', '-') : name;
}

/** Flags that were removed, and why they mattered: a current release refuses to start with them. */
const REMOVED: Partial<Record<Component, Readonly<Record<string, string>>>> = {
  'kube-apiserver': {
    'insecure-port': 'the unauthenticated HTTP port, removed in v1.24',
    'insecure-bind-address': 'the address of the unauthenticated HTTP port, removed in v1.24',
    port: 'the unauthenticated HTTP port (alias of --insecure-port), removed in v1.24',
    address: 'the address of the unauthenticated HTTP port, removed in v1.24',
    'basic-auth-file': 'static password authentication, removed in v1.19',
  },
  'kube-controller-manager': {
    port: 'the unauthenticated HTTP port, removed',
    address: 'the address of the unauthenticated HTTP port, removed',
  },
  'kube-scheduler': {
    port: 'the unauthenticated HTTP port, removed',
    address: 'the address of the unauthenticated HTTP port, removed',
  },
};

export function removedFlag(component: Component, name: string): string | undefined {
  const r = REMOVED[component];
  return r && Object.prototype.hasOwnProperty.call(r, name) ? r[name] : undefined;
}

function unknownFlag(table: FlagTable, name: string, value: string | undefined, arg: Arg): FlagProblem {
  const removed = removedFlag(table.component, name);
  const hint = removed ? undefined : closest(name, table.names());
  return {
    kind: 'unknown-flag',
    message: removed
      ? `--${name} (${removed}) is not a ${table.component} ${table.version} flag: ${table.component} ${table.version} refuses to start with it`
      : `--${name} is not a ${table.component} ${table.version} flag${hint ? ` (did you mean --${hint}?)` : ''}: ${table.component} refuses to start with an unknown flag`,
    arg,
    flag: name,
    ...(value !== undefined ? { value } : {}),
    fatal: true,
  };
}

/** Parses `args` (the arguments after the binary) as `component` would. */
export function parseFlags(component: Component, args: readonly Arg[]): ParsedFlags {
  const out = new ParsedFlags(component);
  const t = out.table;
  let i = 0;
  // `--anonymous-auth false`: the boolean takes no separate value, so "false" is left over.
  let bareBool: FlagOccurrence | undefined;
  const stray = (arg: Arg): void => {
    const after = bareBool;
    const prev = out.occurrences[out.occurrences.length - 1];
    // `command: [kube-apiserver, --authorization-mode=Node,RBAC]`: YAML flow sequences split on commas.
    const splitList = prev?.kind === 'list' && prev.arg === args[args.indexOf(arg) - 1] && /^[\w.:/-]+$/.test(arg.text);
    out.problems.push({
      kind: 'stray-argument',
      message: after && parseGoBool(arg.text) !== undefined
        ? `"${after.arg.text} ${arg.text}" sets --${after.name} to true and leaves "${arg.text}" as a stray argument (a boolean flag takes no separate value; write --${after.name}=${arg.text}): ${component} refuses to start`
        : splitList
          ? `"${arg.text}" is not a flag but reads like more of ${prev.arg.text} (in a YAML flow sequence [ ... ] a comma separates items: quote the whole flag): ${component} takes no positional arguments and refuses to start`
          : arg.text.trim() === ''
        ? `an empty or blank argument ${JSON.stringify(arg.text)}${t.goFlag ? `: ${component} refuses to start with it` : ''}`
        : `"${arg.text}" is not a flag${/^\s+-/.test(arg.text) ? ' (it starts with a space)' : ''}: ${component} takes no positional arguments and refuses to start`,
      arg,
      fatal: t.goFlag || arg.text !== '',
    });
  };
  while (i < args.length) {
    const arg = args[i++];
    const s = arg.text;
    if (s.length < 2 || s[0] !== '-') {
      stray(arg);
      if (t.goFlag) break; // Go's flag package stops at the first non-flag
      bareBool = undefined;
      continue;
    }
    bareBool = undefined;
    if (s === '--') {
      for (; i < args.length; i++) stray(args[i]);
      break;
    }
    const long = s[1] === '-' || t.goFlag;
    const body = s.slice(s[1] === '-' ? 2 : 1);
    if (!long) {
      i = shortFlags(out, arg, body, args, i);
      continue;
    }
    if (body === '' || body[0] === '-' || body[0] === '=') {
      out.problems.push({ kind: 'bad-syntax', message: `bad flag syntax "${s}": ${component} refuses to start`, arg, fatal: true });
      continue;
    }
    const eq = body.indexOf('=');
    const name = canonical(t, eq < 0 ? body : body.slice(0, eq));
    const kind = t.kind(name);
    if (!kind) {
      // A value-taking unknown flag would have eaten the next argument: do the same, so it is not
      // reported as a stray argument as well.
      let value = eq >= 0 ? body.slice(eq + 1) : undefined;
      if (eq < 0 && i < args.length && !args[i].text.startsWith('-')) value = args[i++].text;
      out.problems.push(unknownFlag(t, name, value, arg));
      continue;
    }
    if (eq >= 0) {
      record(out, name, kind, body.slice(eq + 1), arg);
    } else if (kind === 'bool') {
      record(out, name, kind, 'true', arg);
      bareBool = out.last(name);
    } else if (i < args.length) {
      // pflag takes the next argument as the value even when it looks like a flag.
      const valueArg = args[i++];
      record(out, name, kind, valueArg.text, arg, valueArg);
    } else {
      out.problems.push({ kind: 'missing-value', message: `--${name} needs a value: ${component} refuses to start`, arg, fatal: true });
    }
  }
  return out;
}

/** pflag shorthands: `-v=2`, `-v2`, `-v 2`, and booleans combined (`-hv`). */
function shortFlags(out: ParsedFlags, arg: Arg, letters: string, args: readonly Arg[], i: number): number {
  const t = out.table;
  for (let k = 0; k < letters.length; k++) {
    const name = t.shorthand(letters[k]);
    if (!name) {
      out.problems.push({
        kind: 'unknown-flag',
        message: `unknown shorthand flag '${letters[k]}' in "${arg.text}"${letters.length > 2 ? ` (a long flag needs two dashes: -${arg.text})` : ''}: ${t.component} refuses to start`,
        arg,
        fatal: true,
      });
      return i;
    }
    const kind = t.kind(name) ?? 'value';
    const rest = letters.slice(k + 1);
    if (rest.startsWith('=')) {
      record(out, name, kind, rest.slice(1), arg);
      return i;
    }
    if (kind === 'bool') {
      record(out, name, kind, 'true', arg);
      continue;
    }
    if (rest) {
      record(out, name, kind, rest, arg);
      return i;
    }
    if (i < args.length) {
      record(out, name, kind, args[i].text, arg, args[i]);
      return i + 1;
    }
    out.problems.push({ kind: 'missing-value', message: `-${letters[k]} needs a value: ${t.component} refuses to start`, arg, fatal: true });
    return i;
  }
  return i;
}

function record(out: ParsedFlags, name: string, kind: FlagKind, value: string, arg: Arg, valueArg?: Arg): void {
  const component = out.component;
  // List values are read as CSV, where double quotes group: "a,b" is one item, not two.
  const csv = kind === 'list' ? readCsv(value) : undefined;
  if (kind === 'list' && csv?.length === 1 && csv[0].includes(',') && value.startsWith('"')) {
    out.problems.push({
      kind: 'quoted-value',
      message: `--${name}=${value}: the quotes make ${component} read ${JSON.stringify(csv[0])} as one list item, not ${csv[0].split(',').length} (write --${name}=${csv[0]})`,
      arg,
      flag: name,
      value,
      fatal: false,
    });
  } else if (kind !== 'list' && quoted(value)) {
    const inner = value.slice(1, -1);
    out.problems.push({
      kind: 'quoted-value',
      message: `--${name} gets its value with the quotes (${shownValue(name, value)}): no shell runs a container's command to remove them, so ${component} receives the quote characters too${kind === 'bool' ? ' and refuses to start' : ''} (write ${arg.text.includes('=') ? `--${name}=${shownValue(name, inner)}` : shownValue(name, inner)})`,
      arg,
      flag: name,
      value,
      fatal: kind === 'bool',
    });
  } else if (kind === 'bool' && parseGoBool(value) === undefined) {
    out.problems.push({
      kind: 'invalid-bool',
      message: `--${name}=${JSON.stringify(shownValue(name, value))} is not a boolean (true or false): ${component} refuses to start`,
      arg,
      flag: name,
      value,
      fatal: true,
    });
  }
  const previous = out.last(name);
  if (previous && (kind === 'value' || kind === 'bool') && previous.value !== value) {
    out.problems.push({
      kind: 'repeated-value',
      message: `--${name} is given more than once: "${shownValue(name, value)}" here replaces "${shownValue(name, previous.value)}" (the last one wins)`,
      arg,
      flag: name,
      value,
      fatal: false,
    });
  }
  out.add({ name, kind, value, arg, ...(valueArg ? { valueArg } : {}) });
}
