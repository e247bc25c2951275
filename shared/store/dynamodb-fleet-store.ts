import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type CalendarDay, type Vehicle, vehicleSchema } from '../fleet/fleet.js';
import type { FleetStore } from '../ports/ports.js';
import { keys } from './table-layout.js';

const calendarItemSchema = z.object({
  vehicleId: z.string(),
  day: z.string(),
  version: z.int().nonnegative(),
  bookings: z.record(z.string(), z.object({ from: z.string(), to: z.string(), requesterName: z.string(), departmentId: z.string() })).default({}),
});

const toCalendarDay = (item: Record<string, unknown>): CalendarDay => {
  const parsed = calendarItemSchema.parse(item);
  return {
    vehicleId: parsed.vehicleId,
    day: parsed.day,
    version: parsed.version,
    entries: Object.entries(parsed.bookings)
      .map(([requestId, entry]) => ({ requestId, ...entry }))
      .sort((a, b) => a.from.localeCompare(b.from)),
  };
};

const BATCH_GET_LIMIT = 100;

export function makeDynamoDbFleetStore(db: DynamoDBDocumentClient, tableName: string): FleetStore {
  return {
    async vehicles() {
      const vehicles: Vehicle[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :fleet AND begins_with(sk, :vehicle)',
            ExpressionAttributeValues: { ':fleet': keys.fleet, ':vehicle': keys.vehiclePrefix },
            ExclusiveStartKey,
          }),
        );
        vehicles.push(...(page.Items ?? []).map((item) => vehicleSchema.parse(item)));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return vehicles;
    },

    async vehicle(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.vehicle(id) }));
      return Item ? vehicleSchema.parse(Item) : undefined;
    },

    async calendar(vehicleIds, days) {
      const wanted = vehicleIds.flatMap((vehicleId) => days.map((day) => ({ vehicleId, day })));
      const found = new Map<string, CalendarDay>();
      for (let i = 0; i < wanted.length; i += BATCH_GET_LIMIT) {
        let pending: Record<string, unknown>[] | undefined = wanted
          .slice(i, i + BATCH_GET_LIMIT)
          .map(({ vehicleId, day }) => keys.calendarDay(vehicleId, day));
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 8) throw new Error('vehicle calendar: unprocessed keys after retries');
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
          const result: BatchGetCommandOutput = await db.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of result.Responses?.[tableName] ?? []) {
            const day = toCalendarDay(item);
            found.set(`${day.vehicleId}#${day.day}`, day);
          }
          pending = result.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      // A day nobody has booked has no item: version 0, empty.
      return wanted.map(({ vehicleId, day }) => found.get(`${vehicleId}#${day}`) ?? { vehicleId, day, version: 0, entries: [] });
    },

    async schedule(vehicleId, fromDay, toDay) {
      const days: CalendarDay[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :vehicle AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':vehicle': keys.calendarDay(vehicleId, fromDay).pk,
              ':from': keys.calendarDay(vehicleId, fromDay).sk,
              ':to': keys.calendarDay(vehicleId, toDay).sk,
            },
            ExclusiveStartKey,
          }),
        );
        days.push(...(page.Items ?? []).map(toCalendarDay));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return days;
    },

    async lastReading(vehicleId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.odometer(vehicleId), ConsistentRead: true }));
      if (!Item) return undefined;
      return z.object({ km: z.int(), requestId: z.string().optional(), recordedAt: z.string().optional() }).parse(Item);
    },
  };
}

/**
 * Writes the fleet (the local seed, or the office's vehicle register). Vehicle records are
 * overwritten; a vehicle's odometer is set from the register only until its first trip log.
 */
export async function loadFleet(db: DynamoDBDocumentClient, tableName: string, vehicles: Vehicle[]): Promise<{ vehicles: number }> {
  for (let i = 0; i < vehicles.length; i += 25) {
    let pending: Record<string, unknown>[] = vehicles
      .slice(i, i + 25)
      .map((vehicle) => ({ PutRequest: { Item: { ...keys.vehicle(vehicle.id), ...vehicle } } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('fleet load: unprocessed items after retries');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
  for (let i = 0; i < vehicles.length; i += 10) {
    await Promise.all(
      vehicles.slice(i, i + 10).map(async (vehicle) => {
        try {
          await db.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...keys.odometer(vehicle.id), km: vehicle.odometerKm },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }
  return { vehicles: vehicles.length };
}
