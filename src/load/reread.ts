/**
 * A file's text, read again from disk when a document whose text was let go is needed after all.
 * CustomResourceDefinitions are most of the bytes of large manifest sets and almost never read
 * (see crd-header.ts); keeping their text for the rare finding position or `kubeharden rbac` would
 * hold ~80% of the input in memory until the end of a scan. Only files read from disk can be
 * re-read: stdin and rendered Kustomize output keep their text.
 */
export type Reread = () => string | undefined;

/** The last file re-read: a CRD's position and its body are usually asked for together. */
let last: { reread: Reread; text: string | undefined } | undefined;

/**
 * `read` returns the file's decoded text (undefined when it cannot be read). A file whose text
 * has changed length since the scan read it gives undefined: its positions would be wrong.
 * `onLost` is called (once) when the text cannot be had again: positions in the file then point
 * at the first line of their document, and the user must be told.
 */
export function rereadFile(read: () => string | undefined, expectedLength: number, onLost?: () => void): Reread {
  let lost = false;
  const reread: Reread = () => {
    if (last?.reread !== reread) {
      let text = read();
      if (text !== undefined && text.length !== expectedLength) text = undefined;
      last = { reread, text };
      if (text === undefined && !lost) {
        lost = true;
        onLost?.();
      }
    }
    return last.text;
  };
  return reread;
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 represents a slice of a
 * long string as a view that keeps the whole original alive; concatenating and slicing forces a
 * fresh flat string, so the file text it came from can be collected.
 */
export function detached(s: string): string {
  return (` ${s}`).slice(1);
}
