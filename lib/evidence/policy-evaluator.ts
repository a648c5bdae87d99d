/**
 * A small evaluator of IAM identity-policy statements, for proving least privilege on synthesized templates offline.
 * It implements the parts of the IAM evaluation logic our policies use: explicit Deny wins, otherwise an Allow that
 * matches grants, otherwise implicit deny; Action/NotAction and Resource/NotResource with `*` and `?` wildcards;
 * policy variables (`${…}`) in resources and condition values; and the condition operators listed in OPERATORS,
 * with `IfExists` and `ForAnyValue:`/`ForAllValues:`. Anything else throws, so a policy it cannot judge never passes.
 * Not covered (and not used by the policies it checks): SCPs, permission boundaries, session policies, resource
 * policies of the target (evaluate those statements separately), NotPrincipal.
 */

/** A statement as it appears in a template, with every intrinsic already resolved to a string. */
export interface StatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** One API call: who is implied by the statements; this is what and on which resource, with its request context. */
export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request (e.g. `kms:ViaService`), also used to substitute policy variables. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A policy element (one value or several) as a list; absent is empty. */
export const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** IAM wildcard match: `*` any run of characters, `?` one character, everything else literal. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'is' : 's').test(value);
}

const VARIABLE = /\$\{([^}]+)\}/g;

/** Substitutes policy variables from the request context; undefined when one is missing (the element cannot match). */
export function substituteVariables(text: string, context: AccessRequest['context'] = {}): string | undefined {
  let missing = false;
  const result = text.replace(VARIABLE, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name; // IAM's escapes for literal characters
    const value = context[name];
    if (typeof value !== 'string') {
      missing = true;
      return '';
    }
    return value;
  });
  return missing ? undefined : result;
}

type Comparator = (policyValue: string, requestValue: string) => boolean;

const numeric =
  (compare: (a: number, b: number) => boolean): Comparator =>
  (p, r) =>
    compare(Number(r), Number(p));

/** The condition operators this evaluator understands; `negated` ones are true when no value matches. */
const OPERATORS: Readonly<Record<string, { readonly compare: Comparator; readonly negated?: boolean }>> = {
  StringEquals: { compare: (p, r) => p === r },
  StringNotEquals: { compare: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase() },
  StringLike: { compare: (p, r) => wildcardMatch(p, r) },
  StringNotLike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  ArnEquals: { compare: (p, r) => p === r },
  ArnLike: { compare: (p, r) => wildcardMatch(p, r) },
  ArnNotEquals: { compare: (p, r) => p === r, negated: true },
  ArnNotLike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  Bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase() },
  NumericEquals: { compare: numeric((r, p) => r === p) },
  NumericLessThan: { compare: numeric((r, p) => r < p) },
  NumericLessThanEquals: { compare: numeric((r, p) => r <= p) },
  NumericGreaterThan: { compare: numeric((r, p) => r > p) },
  NumericGreaterThanEquals: { compare: numeric((r, p) => r >= p) },
};

function conditionHolds(operatorName: string, key: string, rawPolicyValues: unknown, context: AccessRequest['context'] = {}): boolean {
  const setMatch = /^(ForAnyValue|ForAllValues):(.+)$/.exec(operatorName);
  const qualifier = setMatch?.[1];
  let name = setMatch ? setMatch[2] : operatorName;
  const ifExists = name.endsWith('IfExists');
  if (ifExists) name = name.slice(0, -'IfExists'.length);

  const requestRaw = context[key];
  if (name === 'Null') {
    const wantsAbsent = String(rawPolicyValues).toLowerCase() === 'true';
    return wantsAbsent === (requestRaw === undefined);
  }
  const operator = OPERATORS[name];
  if (!operator) throw new Error(`unsupported condition operator ${operatorName}: add it to OPERATORS with tests`);
  const policyValues = (Array.isArray(rawPolicyValues) ? rawPolicyValues : [rawPolicyValues])
    .map((v) => substituteVariables(String(v), context))
    .filter((v): v is string => v !== undefined);

  if (requestRaw === undefined) {
    if (qualifier === 'ForAllValues') return true; // vacuously true over an empty set
    return ifExists || (operator.negated === true && qualifier === undefined);
  }
  const requestValues = list(requestRaw);
  const matchesAny = (requestValue: string) => policyValues.some((p) => operator.compare(p, requestValue));
  if (qualifier === 'ForAllValues') {
    return requestValues.every((r) => (operator.negated ? !matchesAny(r) : matchesAny(r)));
  }
  if (qualifier === 'ForAnyValue') {
    return requestValues.some((r) => (operator.negated ? !matchesAny(r) : matchesAny(r)));
  }
  if (requestValues.length !== 1) {
    throw new Error(`condition key ${key} has several values: use ForAnyValue: or ForAllValues: with ${operatorName}`);
  }
  const matched = matchesAny(requestValues[0]);
  return operator.negated ? !matched : matched;
}

function matchesElement(patterns: readonly string[], value: string, ignoreCase: boolean, context: AccessRequest['context']): boolean {
  return patterns.some((pattern) => {
    const resolved = substituteVariables(pattern, context);
    return resolved !== undefined && wildcardMatch(resolved, value, ignoreCase);
  });
}

/** Whether one statement applies to the request (ignoring its effect). */
export function statementApplies(statement: StatementJson, request: AccessRequest): boolean {
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw new Error(`statement ${statement.Sid ?? ''} must have exactly one of Action and NotAction`);
  }
  if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
    throw new Error(`statement ${statement.Sid ?? ''} must have exactly one of Resource and NotResource`);
  }
  // Actions are case-insensitive and carry no policy variables.
  const actionMatch =
    statement.Action !== undefined
      ? list(statement.Action).some((p) => wildcardMatch(p, request.action, true))
      : !list(statement.NotAction).some((p) => wildcardMatch(p, request.action, true));
  if (!actionMatch) return false;
  const resourceMatch =
    statement.Resource !== undefined
      ? matchesElement(list(statement.Resource), request.resource, false, request.context)
      : !matchesElement(list(statement.NotResource), request.resource, false, request.context);
  if (!resourceMatch) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, values]) => conditionHolds(operator, key, values, request.context)),
  );
}

/** The IAM decision for one request against a set of identity-policy statements. */
export function evaluate(statements: readonly StatementJson[], request: AccessRequest): Decision {
  const applicable = statements.filter((s) => statementApplies(s, request));
  if (applicable.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return applicable.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}
