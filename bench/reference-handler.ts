import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { readConfig } from '../shared/kernel/config.js';

/**
 * The cold-start baseline of bench/bundles-and-cold-start.ts: the least a real handler of this
 * backend does — zod on the event, one GetItem through the document client — and nothing else
 * (no middy, no use case, no wiring). Each function's cold start is reported as a multiple of this one's.
 */
const { TABLE_NAME } = readConfig({ TABLE_NAME: z.string().min(1) });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

/** A request's key (shared/store/entities/request.ts), written out: importing that module would bring the kinds into this baseline. */
const requestKey = (id: string) => ({ pk: `REQUEST#${id}`, sk: 'META' });

const eventSchema = z.object({ pathParameters: z.object({ id: z.string().min(1) }) });

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return { statusCode: 400, body: JSON.stringify({ message: 'id is required' }) };
  const { Item } = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: requestKey(parsed.data.pathParameters.id) }));
  return Item ? { statusCode: 200, body: JSON.stringify(Item) } : { statusCode: 404, body: JSON.stringify({ message: 'not found' }) };
};
