import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { functionUsage, meterOn } from '../usage-meter.js';
import { transactWriteUnits } from '../write-units.js';

/** The one DynamoDB document client of a function, created at module load and reused across invocations. */
export const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

// The names the middleware sees are the low-level commands the document client sends.
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const METERED = new Set([...READS, 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

if (meterOn()) {
  // Benchmarks only: every call reports its consumed capacity and time into the usage meter.
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const transaction = command === 'TransactWriteItemsCommand';
      // INDEXES splits a transaction's units into the table's and its indexes' (see write-units.ts).
      if (METERED.has(command)) input['ReturnConsumedCapacity'] = transaction ? 'INDEXES' : 'TOTAL';
      const started = performance.now();
      const result = await next(args);
      const meter = functionUsage();
      meter.dynamoMs += performance.now() - started;
      type Units = { CapacityUnits?: number };
      type Consumed = Units & {
        ReadCapacityUnits?: number;
        WriteCapacityUnits?: number;
        Table?: Units;
        GlobalSecondaryIndexes?: Record<string, Units>;
      };
      const consumed = [(result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity ?? []].flat();
      const units = consumed.reduce(
        (sum, entry) => sum + (entry.CapacityUnits ?? (entry.ReadCapacityUnits ?? 0) + (entry.WriteCapacityUnits ?? 0)),
        0,
      );
      if (READS.has(command)) meter.readUnits += units;
      else {
        meter.writeUnits += units;
        if (transaction) {
          const table = consumed.reduce((sum, entry) => sum + (entry.Table?.CapacityUnits ?? 0), 0);
          const indexes = units - table;
          meter.awsWriteUnits +=
            Math.max(table, transactWriteUnits((input['TransactItems'] ?? []) as Parameters<typeof transactWriteUnits>[0])) + indexes;
        } else meter.awsWriteUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'usageMeter', priority: 'high' },
  );
}
