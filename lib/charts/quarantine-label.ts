/**
 * The label that quarantines a pod: `npm run incident -- quarantine-pod` sets it, and the charts' quarantine policies
 * (see `quarantine-policy.ts`) select on it. One constant for both sides, so a renamed label breaks the build, not the
 * containment.
 */
export const QUARANTINE_LABEL = { key: 'platform.internal/quarantine', value: 'true' } as const;

/** The quarantined pods of a namespace, as a label selector. */
export const QUARANTINED_PODS = { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } };

/**
 * Every other pod: the exact complement of `QUARANTINED_PODS` (NotIn also matches pods without the key). The namespace's
 * default-deny selects these, because NetworkPolicies only add allowances: a quarantined pod it selected would keep its DNS.
 */
export const UNQUARANTINED_PODS = {
  matchExpressions: [{ key: QUARANTINE_LABEL.key, operator: 'NotIn', values: [QUARANTINE_LABEL.value] }],
};
