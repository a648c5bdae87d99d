/** An error that maps to a 4xx/5xx response; `message` is sent to the client, so it never carries secrets. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
