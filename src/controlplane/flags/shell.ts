/**
 * Splits a `sh -c` script into the words of its commands, the way a POSIX shell does for the
 * common cases (quotes, backslashes, line continuations, `;` `&&` `||` `|` `&` between commands,
 * comments). Expansions (`$VAR`, `$(...)`) are kept as written: their values are unknown here.
 */

export interface ShellWord {
  text: string;
  /** Contains an unquoted or double-quoted `$` or a backquote: the shell would expand it. */
  dynamic: boolean;
}

/** The commands of a script, each as its list of words. */
export function shellCommands(script: string): ShellWord[][] {
  const commands: ShellWord[][] = [];
  let words: ShellWord[] = [];
  let word = '';
  let inWord = false;
  let dynamic = false;
  const endWord = () => {
    if (inWord) words.push({ text: word, dynamic });
    word = '';
    inWord = false;
    dynamic = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        i++; // line continuation
        continue;
      }
      if (i + 1 < script.length) word += script[++i];
      inWord = true;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? script.length : end);
      i = end < 0 ? script.length : end;
      inWord = true;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        if (script[i] === '\\' && '"\\$`\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') word += script[i + 1];
          i++;
          continue;
        }
        if (script[i] === '$' || script[i] === '`') dynamic = true;
        word += script[i];
      }
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '|' || c === '&') {
      endCommand();
      if ((c === '|' || c === '&') && script[i + 1] === c) i++;
    } else if (c === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = nl < 0 ? script.length : nl - 1;
    } else {
      if (c === '$' || c === '`') dynamic = true;
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}
