// node-fetch 2 parses each request URL with Node's legacy `url.parse()`, deprecated for its
// security-relevant quirks (DEP0169) and warned about at run time since Node 24. The bundle maps
// node-fetch's `url` import here (esbuild.js): WHATWG URL parsing, returning the legacy fields that
// node-fetch and `http.request()` read. node-fetch has already normalised the URL with `new URL()`.
import { URL } from 'node:url';

export { URL };

/** The legacy `Url` object for an absolute URL, as `url.parse()` would build it. */
export interface LegacyUrl {
  href: string;
  protocol: string;
  slashes: boolean;
  auth: string | null;
  host: string;
  port: string | null;
  hostname: string;
  hash: string | null;
  search: string | null;
  query: string | null;
  pathname: string;
  path: string;
}

export function parse(input: string): LegacyUrl {
  const url = new URL(input);
  const user = decodeURIComponent(url.username);
  const auth = url.username || url.password ? `${user}${url.password ? `:${decodeURIComponent(url.password)}` : ''}` : null;
  return {
    href: url.href,
    protocol: url.protocol,
    slashes: true,
    auth,
    host: url.host,
    port: url.port || null,
    // http.request() wants an IPv6 address without its brackets.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    hash: url.hash || null,
    search: url.search || null,
    query: url.search ? url.search.slice(1) : null,
    pathname: url.pathname,
    path: url.pathname + url.search,
  };
}

export function format(url: { href: string }): string {
  return url.href;
}
