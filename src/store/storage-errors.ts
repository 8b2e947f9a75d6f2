import { StoreError } from '../errors.ts';

/** Known failures of object storage and LanceDB Cloud, each with the setting that fixes it. */
const CAUSES: { test: RegExp; fix: (uri: string, endpoint: string) => string }[] = [
  { test: /NoSuchBucket/, fix: (uri, endpoint) => `the bucket in PAPERBOY_DB_URI (${uri}) does not exist at ${endpoint}: create it, or fix PAPERBOY_DB_URI.` },
  {
    test: /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|403 Forbidden|ExpiredToken/,
    fix: (_uri, endpoint) => `${endpoint} refused the credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION).`,
  },
  {
    test: /AuthorizationHeaderMalformed|PermanentRedirect|region/i,
    fix: () => `the bucket's region is unknown or different: set AWS_REGION to it (and AWS_ENDPOINT for a server other than AWS).`,
  },
  {
    test: /ConnectionRefused|tcp connect error|dns error|error sending request|builder error|Connect/,
    fix: (_uri, endpoint) => `cannot reach the object store at ${endpoint}: check AWS_ENDPOINT (and set AWS_ALLOW_HTTP=true for an http:// endpoint).`,
  },
  { test: /credential|NoCredentialProviders/i, fix: () => `no credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.` },
];
const CLOUD: { test: RegExp; fix: string }[] = [
  { test: /401|Unauthorized|api key/i, fix: 'LanceDB Cloud refused the key: check LANCEDB_API_KEY.' },
  { test: /region|dns error|tcp connect error/i, fix: 'LanceDB Cloud could not be reached in that region: check LANCEDB_REGION.' },
];

/**
 * Turns a raw Lance error from opening the store (a multi-line Rust trace) into one line naming
 * the setting to fix; unknown failures keep their first line.
 */
export function storageError(uri: string, error: unknown, env: NodeJS.ProcessEnv = process.env): StoreError {
  const raw = error instanceof Error ? error.message : String(error);
  const cloud = uri.startsWith('db://');
  const remote = /^(s3|s3\+ddb|gs|az|abfss?):\/\//.test(uri);
  const endpoint = env.AWS_ENDPOINT ? `AWS_ENDPOINT=${env.AWS_ENDPOINT}` : 'the default endpoint';
  const fix = cloud ? CLOUD.find((c) => c.test.test(raw))?.fix : remote ? CAUSES.find((c) => c.test.test(raw))?.fix(uri, endpoint) : undefined;
  const firstLine = raw.split('\n')[0]!.replace(/,?\s*\/usr\/local\/cargo\/\S+/g, '').slice(0, 300);
  return new StoreError(`Cannot open the paper store at ${uri}: ${fix ?? firstLine}`, { cause: error });
}
