/** Parses container image references: [registry[:port]/]path[:tag][@digest]. */

export interface ImageRef {
  readonly registry: string | undefined;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/**
 * Recently parsed references. Five checks parse each container's image, for every object of a
 * scan and every admission request, and a cluster runs few distinct images. Results are frozen
 * and depend only on the string, so sharing them cannot carry state from one object to another.
 */
const parsed = new Map<string, ImageRef>();
const MAX_PARSED = 1024;

export function parseImage(image: string): ImageRef {
  let ref = parsed.get(image);
  if (!ref) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    ref = Object.freeze(parse(image));
    parsed.set(image, ref);
  }
  return ref;
}

function parse(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A tag is after the last ':' that follows the last '/' (a ':' before it is a registry port).
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const first = rest.indexOf('/');
  if (first > 0) {
    const head = rest.slice(0, first);
    // Docker's rule: the first component is a registry if it has a '.' or ':' or is localhost.
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      rest = rest.slice(first + 1);
    }
  }
  return { registry, repository: rest, tag: tag || undefined, digest: digest || undefined };
}
