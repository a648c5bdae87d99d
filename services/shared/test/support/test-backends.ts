import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCognito, TestCognito } from './test-cognito';
import { startTestDynamoDb } from './test-dynamodb';

/** What every service test stands on: a temp dir, a local user pool, and a DynamoDB emulator with the services' tables. */
export interface TestBackends {
  readonly dir: string;
  readonly cognito: TestCognito;
  /** Stops the emulator and removes the temp dir. */
  close(): Promise<void>;
}

export async function startTestBackends(prefix: string): Promise<TestBackends> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cognito = createTestCognito(dir);
  const dynamo = await startTestDynamoDb();
  await dynamo.createServiceTables();
  return {
    dir,
    cognito,
    close: async () => {
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
