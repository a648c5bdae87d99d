/**
 * Jest snapshot serializer: masks asset hashes (64 hex characters) in strings, so snapshots change only
 * when a template changes, not when an asset's bytes do.
 */
const HASH = /[0-9a-f]{64}/g;

module.exports = {
  test: (value: unknown) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string) => JSON.stringify(value.replace(HASH, '[ASSET-HASH]')),
};
