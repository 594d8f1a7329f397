/**
 * `word` with "a" or "an" before it, chosen by its first letter (right for the words the API puts there:
 * statuses and roles), capitalised at the start of a sentence.
 */
export function withIndefiniteArticle(word: string, { sentenceStart = false } = {}): string {
  const article = /^[aeiou]/i.test(word) ? 'an' : 'a';
  return `${sentenceStart ? article.charAt(0).toUpperCase() + article.slice(1) : article} ${word}`;
}
