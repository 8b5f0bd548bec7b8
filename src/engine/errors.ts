/** A run asked for a check or setting that does not exist, or a value that does not parse: a usage error at the edge (exit 2). */
export class RunSpecError extends Error {}
