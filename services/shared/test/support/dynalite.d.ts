// dynalite ships no types: the part the tests use, a factory returning a node:http server.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  export default function dynalite(options: { createTableMs: number }): Server;
}
