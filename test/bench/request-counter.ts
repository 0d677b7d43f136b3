// Counts what a DynamoDB client sends, by command, through its middleware stack:
// - `commands` at the `initialize` step: once per `send()`, with the time until its answer (wall time, so
//   concurrent commands overlap);
// - `requests` at the `finalizeRequest` step with low priority, i.e. inside the SDK's retry middleware
//   (finalizeRequest, high priority): once per HTTP request, retries included. This is the number the
//   benchmark reports.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CommandStats {
  commands: number;
  requests: number;
  /** Summed wall milliseconds from send() to the answer. */
  ms: number;
  /** Items written (TransactWrite: actions; BatchWrite: put/delete requests) or read (Query: items returned). */
  items: number;
}

export interface RequestCounter {
  byCommand(): Record<string, CommandStats>;
  total(): { commands: number; requests: number };
  reset(): void;
}

export function countRequests(
  stack: DynamoDBDocumentClient['middlewareStack'],
  name = 'bench',
): RequestCounter {
  let stats = new Map<string, CommandStats>();
  const of = (command: string) => {
    const known = stats.get(command);
    if (known) return known;
    const s = { commands: 0, requests: 0, ms: 0, items: 0 };
    stats.set(command, s);
    return s;
  };
  const commandOf = (context: { commandName?: string }) =>
    (context.commandName ?? 'unknown').replace(/Command$/, '');

  stack.add(
    (next, context) => async (args) => {
      const s = of(commandOf(context));
      s.commands++;
      const input = args.input as {
        TransactItems?: unknown[];
        RequestItems?: Record<string, unknown[]>;
      };
      if (input.TransactItems) s.items += input.TransactItems.length;
      if (input.RequestItems) for (const list of Object.values(input.RequestItems)) s.items += list.length;
      const started = performance.now();
      try {
        const out = await next(args);
        const items = (out.output as { Items?: unknown[] }).Items;
        if (items) s.items += items.length;
        return out;
      } finally {
        s.ms += performance.now() - started;
      }
    },
    { step: 'initialize', priority: 'high', name: `${name}CommandCounter` },
  );
  stack.add(
    (next, context) => async (args) => {
      of(commandOf(context)).requests++;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: `${name}RequestCounter` },
  );

  return {
    byCommand: () => Object.fromEntries([...stats].sort(([, a], [, b]) => b.requests - a.requests)),
    total: () => {
      let commands = 0;
      let requests = 0;
      for (const s of stats.values()) {
        commands += s.commands;
        requests += s.requests;
      }
      return { commands, requests };
    },
    reset: () => {
      stats = new Map();
    },
  };
}
