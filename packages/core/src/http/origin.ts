/**
 * Whether `url` points at the same origin (scheme, host and port) as `baseUrl`. A relative
 * `url` is resolved against `baseUrl` first, so `/users` is Basiq's and `//evil.example/x`
 * is not. Anything that does not parse as an `http(s)` URL is not Basiq's: the server token
 * is only ever sent when this answers `true`.
 */
export function isBasiqOrigin(url: string | URL, baseUrl: string): boolean {
  const base = parseHttpUrl(baseUrl);
  if (!base) return false;
  const target = parseHttpUrl(url, base);
  return target !== undefined && target.origin === base.origin;
}

/** Parses `url` (optionally against `base`), keeping only `http:` and `https:` URLs. */
export function parseHttpUrl(url: string | URL, base?: URL): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
}

// Axios decides the final URL in `buildFullPath`; this mirrors it (including `//host`
// counting as absolute and `allowAbsoluteUrls: false`), so the origin checked is the one the
// request really goes to, even when an axios version differs in small ways elsewhere.
export const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The absolute URL an axios request config will be sent to, or `undefined` when it cannot be
 * known without a browser location (a relative URL with no `baseURL`, `//host` in Node).
 */
export function axiosTargetUrl(config: {
  url?: string | undefined;
  baseURL?: string | undefined;
  allowAbsoluteUrls?: boolean | undefined;
}): URL | undefined {
  const url = config.url ?? '';
  if (typeof url !== 'string') return undefined;
  const baseURL = config.baseURL;
  let full = url;
  if (
    typeof baseURL === 'string' &&
    baseURL &&
    (!ABSOLUTE_URL.test(url) || config.allowAbsoluteUrls === false)
  ) {
    full = url ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : baseURL;
  }
  return parseHttpUrl(full);
}
