import { evaluate, StatementJson, substituteVariables, wildcardMatch } from '../../lib/evidence/policy-evaluator';

const allow = (s: Partial<StatementJson>): StatementJson => ({ Effect: 'Allow', Action: '*', Resource: '*', ...s });
const deny = (s: Partial<StatementJson>): StatementJson => ({ Effect: 'Deny', Action: '*', Resource: '*', ...s });

describe('wildcards', () => {
  test.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['arn:aws:s3:::b/orders/*', 'arn:aws:s3:::b/orders/a/b.json', true],
    ['arn:aws:s3:::b/orders/*', 'arn:aws:s3:::b/ordersx/a', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['{{s:Key.Arn}}', '{{s:Key.Arn}}', true],
    ['a.c', 'abc', false], // regex metacharacters are literal
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  test('actions match case-insensitively, resources case-sensitively', () => {
    const statements = [allow({ Action: 'dynamodb:getitem', Resource: 'arn:t/Orders' })];
    expect(evaluate(statements, { action: 'DynamoDB:GetItem', resource: 'arn:t/Orders' })).toBe('allow');
    expect(evaluate(statements, { action: 'dynamodb:GetItem', resource: 'arn:t/orders' })).toBe('implicit-deny');
  });
});

describe('decisions', () => {
  test('nothing matches: implicit deny', () => {
    expect(evaluate([allow({ Action: 's3:GetObject', Resource: 'arn:a' })], { action: 's3:PutObject', resource: 'arn:a' })).toBe(
      'implicit-deny',
    );
  });

  test('an explicit deny wins over any allow', () => {
    const statements = [allow({}), deny({ Action: 's3:DeleteObject' })];
    expect(evaluate(statements, { action: 's3:DeleteObject', resource: 'x' })).toBe('explicit-deny');
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'x' })).toBe('allow');
  });

  test('NotAction and NotResource invert the match', () => {
    const statements = [allow({ Action: undefined, NotAction: 'iam:*', Resource: undefined, NotResource: 'arn:secret' })];
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:a' })).toBe('allow');
    expect(evaluate(statements, { action: 'iam:PassRole', resource: 'arn:a' })).toBe('implicit-deny');
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:secret' })).toBe('implicit-deny');
  });

  test('a statement with both or neither of Action and NotAction is rejected, not guessed', () => {
    expect(() => evaluate([allow({ NotAction: 's3:*' })], { action: 's3:GetObject', resource: 'x' })).toThrow(
      /exactly one of Action and NotAction/,
    );
    expect(() => evaluate([allow({ Resource: undefined })], { action: 's3:GetObject', resource: 'x' })).toThrow(/exactly one of Resource/);
  });
});

describe('policy variables', () => {
  test('substituted from the request context; a missing one makes the element unmatchable', () => {
    expect(substituteVariables('users/${cognito-identity.amazonaws.com:sub}/*', { 'cognito-identity.amazonaws.com:sub': 'eu-1:abc' })).toBe(
      'users/eu-1:abc/*',
    );
    expect(substituteVariables('users/${cognito-identity.amazonaws.com:sub}/*', {})).toBeUndefined();
    expect(substituteVariables('literal ${*} star')).toBe('literal * star');
  });

  test('a user reaches their own prefix only', () => {
    const statements = [allow({ Action: 's3:GetObject', Resource: 'arn:b/users/${cognito-identity.amazonaws.com:sub}/*' })];
    const as = (id: string) => ({ 'cognito-identity.amazonaws.com:sub': id });
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:b/users/me/f', context: as('me') })).toBe('allow');
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:b/users/you/f', context: as('me') })).toBe('implicit-deny');
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:b/users/me/f' })).toBe('implicit-deny');
  });
});

describe('conditions', () => {
  const kms = allow({
    Action: 'kms:Decrypt',
    Resource: 'arn:key',
    Condition: {
      StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders' },
    },
  });
  const request = (context: Record<string, string>) => ({ action: 'kms:Decrypt', resource: 'arn:key', context });

  test('all keys of a block must hold (AND); a missing key fails a positive operator', () => {
    expect(
      evaluate(
        [kms],
        request({ 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'orders' }),
      ),
    ).toBe('allow');
    expect(
      evaluate(
        [kms],
        request({ 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'inventory' }),
      ),
    ).toBe('implicit-deny');
    expect(evaluate([kms], request({ 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' }))).toBe('implicit-deny');
    expect(evaluate([kms], request({}))).toBe('implicit-deny');
  });

  test('several values of one key: any may match (OR)', () => {
    const s = allow({ Condition: { StringLike: { 's3:prefix': ['orders/*', 'shared/*'] } } });
    expect(evaluate([s], { action: 's3:ListBucket', resource: 'b', context: { 's3:prefix': 'shared/x' } })).toBe('allow');
    expect(evaluate([s], { action: 's3:ListBucket', resource: 'b', context: { 's3:prefix': 'inventory/' } })).toBe('implicit-deny');
  });

  test('negated operators hold when the key is absent; IfExists makes positive ones hold too', () => {
    const notEquals = deny({ Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    expect(evaluate([allow({}), notEquals], { action: 's3:GetObject', resource: 'x' })).toBe('explicit-deny');
    expect(evaluate([allow({}), notEquals], { action: 's3:GetObject', resource: 'x', context: { 'aws:SourceVpc': 'vpc-1' } })).toBe(
      'allow',
    );
    const ifExists = allow({ Condition: { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } } });
    expect(evaluate([ifExists], { action: 's3:GetObject', resource: 'x' })).toBe('allow');
    expect(evaluate([ifExists], { action: 's3:GetObject', resource: 'x', context: { 'aws:SourceVpc': 'vpc-2' } })).toBe('implicit-deny');
  });

  test('Arn, Bool, Numeric and Null operators', () => {
    const req = (context: Record<string, string>) => ({ action: 'sts:AssumeRole', resource: 'r', context });
    expect(
      evaluate(
        [allow({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:eks:*:1:cluster/a' } } })],
        req({ 'aws:SourceArn': 'arn:aws:eks:us-east-1:1:cluster/a' }),
      ),
    ).toBe('allow');
    expect(
      evaluate(
        [allow({ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:1:cluster/a' } } })],
        req({ 'aws:SourceArn': 'arn:aws:eks:us-east-1:1:cluster/b' }),
      ),
    ).toBe('implicit-deny');
    expect(evaluate([deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], req({ 'aws:SecureTransport': 'false' }))).toBe(
      'explicit-deny',
    );
    expect(evaluate([deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } })], req({ 's3:TlsVersion': '1.1' }))).toBe(
      'explicit-deny',
    );
    expect(evaluate([deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } })], req({ 's3:TlsVersion': '1.3' }))).toBe(
      'implicit-deny',
    );
    expect(evaluate([allow({ Condition: { Null: { 'aws:TokenIssueTime': 'true' } } })], req({}))).toBe('allow');
  });

  test('multi-valued keys need ForAnyValue/ForAllValues', () => {
    const amr = allow({ Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } });
    const ctx = (values: string[]) => ({
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: 'r',
      context: { 'cognito-identity.amazonaws.com:amr': values },
    });
    expect(evaluate([amr], ctx(['authenticated', 'cognito-idp']))).toBe('allow');
    expect(evaluate([amr], ctx(['unauthenticated']))).toBe('implicit-deny');
    const all = allow({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } });
    expect(evaluate([all], { action: 'x:Tag', resource: 'r', context: { 'aws:TagKeys': ['a'] } })).toBe('allow');
    expect(evaluate([all], { action: 'x:Tag', resource: 'r', context: { 'aws:TagKeys': ['a', 'c'] } })).toBe('implicit-deny');
    expect(() =>
      evaluate([allow({ Condition: { StringEquals: { k: 'a' } } })], { action: 'x:Y', resource: 'r', context: { k: ['a', 'b'] } }),
    ).toThrow(/several values/);
  });

  test('an operator it does not know throws instead of allowing', () => {
    expect(() =>
      evaluate([allow({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } })], { action: 'x:Y', resource: 'r' }),
    ).toThrow(/unsupported condition operator DateGreaterThan/);
  });
});
