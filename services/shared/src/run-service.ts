import { ServiceConfigError } from './config/config-error';
import { createJsonLogger, Logger } from './log';

/** What runService drives: a service or the edge proxy. */
export interface RunnableServer {
  listen(): Promise<unknown>;
  shutdown(): Promise<void>;
}

/**
 * The process entry of a service: builds it from the environment, exits non-zero with the one-line reason on a
 * configuration error, and drains on SIGTERM (what Kubernetes sends before killing the pod) or SIGINT.
 */
export function runService(name: string, create: (env: NodeJS.ProcessEnv, logger: Logger) => RunnableServer): void {
  const logger = createJsonLogger(name);
  let server: RunnableServer;
  try {
    server = create(process.env, logger);
  } catch (err) {
    if (!(err instanceof ServiceConfigError)) throw err;
    process.stderr.write(`${name}: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  // Every signal is handled, the later ones by the drain already running (shutdown() is idempotent): with `once`, a
  // second SIGTERM would meet Node's default action and end the process mid-drain.
  const stop = () => void server.shutdown().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  server.listen().catch((err: Error) => {
    logger.error('cannot listen', { reason: err.message });
    process.exit(1);
  });
}
