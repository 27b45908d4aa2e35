// For "did you mean …?" in option errors: a misspelt option name is the commonest mistake.

/** The known name nearest to `input` (case-insensitive edit distance), if any is close. */
export function closest(input: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

// What an unknown option name must look like to be echoed (a misspelt option, not a secret).
const OPTION_NAME = /^[A-Za-z_$][\w$]{0,31}$/;

/**
 * `name` when an error may show it: it looks like a misspelt option. Otherwise undefined: a spread
 * of the wrong object could put a secret in the key position.
 */
export function echoableName(name: string): string | undefined {
  return OPTION_NAME.test(name) ? name : undefined;
}
