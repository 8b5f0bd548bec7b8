/**
 * What the loader hands to the rest of kubeharden: Kubernetes objects as plain JSON values,
 * each with a way back to its exact source position. The loader knows files and YAML, nothing
 * about Kubernetes security.
 */

/** A path into an object: keys and array indexes, e.g. ['spec', 'containers', 0, 'image']. */
export type Path = ReadonlyArray<string | number>;

/** 1-based line and column of a source position. */
export interface Position {
  line: number;
  column: number;
}

/** A region in a source file (1-based, end inclusive of the last character's column + 1). */
export interface Region extends Position {
  endLine: number;
  endColumn: number;
}

/** A problem reading input: never fatal for the rest of the scan. */
export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** 'not-kubernetes': a document with neither apiVersion nor kind (a config file, not a manifest). */
  code?: 'not-kubernetes';
}

/** Where an object came from and how to turn a path inside it into a source position. */
export interface ObjectSource {
  /** The file as the user named it (relative paths stay relative); '<stdin>' for stdin. */
  file: string;
  /** 0-based index of the YAML document in the file. */
  documentIndex: number;
  /** For items expanded out of a `List`, the path of the item in the document (e.g. ['items', 3]). */
  itemPath: Path;
  /**
   * The region of the deepest existing node along `path` (relative to the object). For a map
   * entry the region is the key's; when the path does not exist (a missing required field), the
   * region is that of the nearest existing ancestor — the object where the field must be added.
   */
  locate(path: Path): Region;
}

/** A Kubernetes-shaped JSON object. Fields are unknown until validated by whoever reads them. */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  [key: string]: unknown;
}

/** One loaded object. `object` is built lazily: reading only `kind`/`meta` does not build it. */
export interface LoadedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The whole object as plain JSON (built on first access and cached). */
  readonly object: KubeObject;
  readonly source: ObjectSource;
}

export interface LoadOptions {
  /** Globs of paths to skip when walking directories. */
  exclude?: string[];
  /** Largest file read, in bytes; larger files are reported as errors. */
  maxFileBytes?: number;
  /** Render directories containing kustomization.yaml with `kubectl kustomize` (default true). */
  kustomize?: boolean;
  /** File names skipped silently when walking directories (kubeharden's own configuration files). */
  skipNames?: readonly string[];
  /** Text to read for the path '-' (defaults to reading process.stdin). */
  stdinText?: string;
  /** Threads reading and parsing files, 1 = the main thread only (default: by cores and input size, load-pool.ts). */
  threads?: number;
  /**
   * Parse files on this thread as a load worker does: values copied apart from the file text and
   * every document's text let go, to be read again for positions (default: for inputs large
   * enough for workers when none runs, e.g. on one core; see load-pool.ts).
   */
  letGoText?: boolean;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: InputError[];
  /** Files read (after directory expansion), for reports and benchmarks. */
  files: string[];
  /** Things worth saying that are not errors (e.g. non-Kubernetes YAML skipped in a directory). */
  warnings: string[];
  /**
   * Files whose text was let go (reread.ts) and could not be read again the same when a position
   * in them was asked for: filled while findings are located, after loading (read it then).
   */
  lateWarnings: string[];
}
