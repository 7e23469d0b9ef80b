/**
 * Request/reply over the Node IPC channel between the runner and its child processes
 * (load generator, servers). Children serve named commands; the runner awaits each reply.
 */
export interface IpcRequest {
  id: number;
  cmd: string;
  args: unknown;
}

export interface IpcReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type CommandHandlers = Record<string, (args: never) => unknown>;

/** Serve commands in a child; exit when the runner goes away so no process outlives a run. */
export function serveCommands(handlers: CommandHandlers): void {
  if (!process.send) throw new Error('must run as a child process with an IPC channel');
  // The handler catches every failure into its reply; a failure to reply is said on stderr.
  process.on('message', (raw: unknown) => {
    answer(handlers, raw).catch((err: Error) => console.error(`could not answer a command: ${err.message}`));
  });
  process.on('disconnect', () => process.exit(0));
}

async function answer(handlers: CommandHandlers, raw: unknown): Promise<void> {
  const req = raw as IpcRequest;
  if (typeof req?.id !== 'number') return;
  const handler = handlers[req.cmd] as ((args: unknown) => unknown) | undefined;
  let reply: IpcReply;
  try {
    if (!handler) throw new Error(`unknown command ${req.cmd}`);
    reply = { id: req.id, ok: true, result: await handler(req.args) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  process.send?.(reply);
}

/** Announce readiness (with e.g. the bound port) to the runner. */
export function announce(ready: Record<string, unknown>): void {
  process.send?.({ id: 0, ok: true, result: ready } satisfies IpcReply);
}
