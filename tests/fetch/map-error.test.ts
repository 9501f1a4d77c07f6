import { describe, expect, it } from 'vitest';
import { ConnectError, FetchError, HttpStatusError, TimeoutError } from '../../src/errors.js';
import { describeTimeout, formatSeconds, mapFetchError } from '../../src/fetch/map-error.js';

const URL_ = 'https://feeds.example.de/rss.xml';
const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('mapFetchError', () => {
  it.each([
    ['ENOTFOUND', 'feeds.example.de: host name not found (DNS)'],
    ['EAI_AGAIN', 'feeds.example.de: temporary DNS failure'],
    ['ECONNREFUSED', 'feeds.example.de: connection refused'],
    ['EHOSTUNREACH', 'feeds.example.de: host unreachable'],
  ])('maps %s to ConnectError', (code, message) => {
    const cause = coded(code);
    const err = mapFetchError(cause, URL_, 'headers', 20_000);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.message).toBe(message);
    expect(err.cause).toBe(cause);
  });

  it('says when the connection broke during the body', () => {
    expect(mapFetchError(coded('ECONNRESET'), URL_, 'body', 20_000).message).toBe(
      'feeds.example.de: connection reset by the server while reading the body',
    );
  });

  it('finds the code one cause down, as undici wraps socket errors', () => {
    const wrapped = Object.assign(new Error('fetch failed'), { cause: coded('ECONNREFUSED') });
    expect(mapFetchError(wrapped, URL_, 'headers', 20_000)).toBeInstanceOf(ConnectError);
  });

  it.each([
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ])(
    'maps TLS problem %s to ConnectError',
    (code) => {
      const err = mapFetchError(coded(code), URL_, 'headers', 20_000);
      expect(err).toBeInstanceOf(ConnectError);
      expect(err.message).toBe(`feeds.example.de: TLS handshake failed (${code})`);
    },
  );

  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'feeds.example.de: no connection within 20 s'],
    ['UND_ERR_HEADERS_TIMEOUT', 'feeds.example.de: no response headers within 20 s'],
    ['UND_ERR_BODY_TIMEOUT', 'feeds.example.de: response body not complete within 20 s'],
  ])('maps undici %s to TimeoutError', (code, message) => {
    const err = mapFetchError(coded(code), URL_, 'headers', 20_000);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(message);
  });

  it('maps parser errors and oversized headers to FetchError', () => {
    expect(mapFetchError(coded('HPE_INVALID_CONSTANT'), URL_, 'headers', 1000).message).toBe(
      'feeds.example.de: malformed HTTP response (HPE_INVALID_CONSTANT)',
    );
    expect(mapFetchError(coded('UND_ERR_HEADERS_OVERFLOW'), URL_, 'headers', 1000).message).toBe(
      'feeds.example.de: response headers too large',
    );
  });

  it('passes our own errors through untouched', () => {
    const ours = new HttpStatusError(404, 'HTTP 404 Not Found');
    expect(mapFetchError(ours, URL_, 'headers', 1000)).toBe(ours);
  });

  it('keeps anything else as a one-line FetchError', () => {
    const err = mapFetchError(new Error('something odd'), URL_, 'body', 1000);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toBe('feeds.example.de: something odd');
  });
});

describe('describeTimeout', () => {
  it('writes whole and fractional seconds', () => {
    expect(describeTimeout('headers', 20_000)).toBe('no response headers within 20 s');
    expect(formatSeconds(1_500)).toBe('1.5 s');
  });
});
