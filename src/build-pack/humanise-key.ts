const UNNAMED = 'Unnamed';

/** Acronyms such as `ID` or `HMW` keep their capitals; every other word is lower-cased. */
function isAcronym(word: string): boolean {
  return /^\p{Lu}[\p{Lu}\p{Nd}]+$/u.test(word);
}

function capitaliseFirst(word: string): string {
  const [first = '', ...rest] = Array.from(word);
  return first.toUpperCase() + rest.join('');
}

/** `targetUsers`, `target_users` and `target-users` all read as "Target users". */
export function humaniseKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/(\p{Ll}|\p{Nd})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => (isAcronym(word) ? word : word.toLowerCase()));
  if (words.length === 0) return UNNAMED;
  return capitaliseFirst(words.join(' '));
}
