import type { IncomingMessage, ServerResponse } from 'node:http';

/** The one request handler every HTTP worker of the bench runs, whatever manages it. */
export function handle(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Content-Type', 'text/plain');
  // Lets the load generator see how requests spread over the workers.
  res.setHeader('X-Worker-Pid', String(process.pid));
  res.end('ok\n');
}
