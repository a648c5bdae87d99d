/**
 * What an incident action reports: one JSON line per step, so the incident record can be kept as it was printed
 * (`npm run incident -- … | tee -a incident.jsonl`) and read back by tools.
 */

/** `planned`: a dry run would make this change; `changed`: it was made; `unchanged`: the target already was so. */
export type StepStatus = 'planned' | 'changed' | 'unchanged';

export interface StepRecord {
  readonly action: string;
  readonly step: string;
  /** What the step acts on, e.g. `shop/orders-7d9f-x2` or an ARN. */
  readonly target: string;
  readonly status: StepStatus;
  /** Why the step is needed, or why it is not; never a secret. */
  readonly detail: string;
  /** When the record was written, ISO 8601. */
  readonly at: string;
}

/**
 * Records the steps of one action and makes the changes only with `--apply`: every action reads the current state
 * first and calls `unchanged` or `change`, so a rerun after an apply changes nothing and says so.
 */
export class Steps {
  constructor(
    private readonly action: string,
    readonly apply: boolean,
    private readonly out: (line: string) => void,
    private readonly now: () => Date,
  ) {}

  unchanged(step: string, target: string, detail: string): void {
    this.record(step, target, 'unchanged', detail);
  }

  /** Makes the change with `--apply` (and records it once made); records it as planned otherwise. */
  async change<T>(step: string, target: string, detail: string, act: () => Promise<T>): Promise<T | undefined> {
    if (!this.apply) {
      this.record(step, target, 'planned', detail);
      return undefined;
    }
    const result = await act();
    this.record(step, target, 'changed', detail);
    return result;
  }

  private record(step: string, target: string, status: StepStatus, detail: string): void {
    const record: StepRecord = { action: this.action, step, target, status, detail, at: this.now().toISOString() };
    this.out(JSON.stringify(record));
  }
}

/** The action cannot go on (an API refused, the platform is not where expected): exit code 1, with the reason. */
export class IncidentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentError';
  }
}
