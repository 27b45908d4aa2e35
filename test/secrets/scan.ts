/**
 * Finds secrets in text: exactly, and in the forms a careless log line or a query string could
 * carry them in (URL-encoded, base64, and for the API key, which is base64 already, decoded).
 */

/** The secrets of `secrets` that occur in `text`, each once. */
export function findSecrets(text: string, secrets: readonly string[]): string[] {
  return [...new Set(secrets)].filter((secret) => formsOf(secret).some((form) => text.includes(form)));
}

function formsOf(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  const decoded = Buffer.from(secret, 'base64').toString('utf8');
  // Only a real base64 value (it round-trips) that decodes to text: the `<uuid>:<uuid>` inside a key.
  if (Buffer.from(decoded, 'utf8').toString('base64') === secret && /^[\x20-\x7e]{16,}$/.test(decoded)) {
    forms.push(decoded);
  }
  return forms;
}
