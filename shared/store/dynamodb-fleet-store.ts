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
import type { CalendarDay, Vehicle } from '../fleet/fleet.js';
import type { FleetStore } from '../ports/fleet-store.js';
import {
  calendarDayKey,
  fleetPartition,
  odometerKey,
  readCalendarDay,
  readOdometer,
  readVehicle,
  vehicleItem,
  vehicleKey,
  vehiclePrefix,
} from './entities/vehicle.js';

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
            ExpressionAttributeValues: { ':fleet': fleetPartition, ':vehicle': vehiclePrefix },
            ExclusiveStartKey,
          }),
        );
        vehicles.push(...(page.Items ?? []).map((item) => readVehicle(item)));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return vehicles;
    },

    async vehicle(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: vehicleKey(id) }));
      return Item ? readVehicle(Item) : undefined;
    },

    async calendar(vehicleIds, days) {
      const wanted = vehicleIds.flatMap((vehicleId) => days.map((day) => ({ vehicleId, day })));
      const found = new Map<string, CalendarDay>();
      for (let i = 0; i < wanted.length; i += BATCH_GET_LIMIT) {
        let pending: Record<string, unknown>[] | undefined = wanted
          .slice(i, i + BATCH_GET_LIMIT)
          .map(({ vehicleId, day }) => calendarDayKey(vehicleId, day));
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 8) throw new Error('vehicle calendar: unprocessed keys after retries');
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
          const result: BatchGetCommandOutput = await db.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of result.Responses?.[tableName] ?? []) {
            const day = readCalendarDay(item);
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
              ':vehicle': calendarDayKey(vehicleId, fromDay).pk,
              ':from': calendarDayKey(vehicleId, fromDay).sk,
              ':to': calendarDayKey(vehicleId, toDay).sk,
            },
            ExclusiveStartKey,
          }),
        );
        days.push(...(page.Items ?? []).map(readCalendarDay));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return days;
    },

    async lastReading(vehicleId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: odometerKey(vehicleId), ConsistentRead: true }));
      if (!Item) return undefined;
      return readOdometer(Item);
    },
  };
}

/**
 * Writes the fleet (the local seed, or the office's vehicle register). Vehicle records are
 * overwritten; a vehicle's odometer is set from the register only until its first trip log.
 */
export async function loadFleet(db: DynamoDBDocumentClient, tableName: string, vehicles: Vehicle[]): Promise<{ vehicles: number }> {
  for (let i = 0; i < vehicles.length; i += 25) {
    let pending: Record<string, unknown>[] = vehicles.slice(i, i + 25).map((vehicle) => ({ PutRequest: { Item: vehicleItem(vehicle) } }));
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
              Item: { ...odometerKey(vehicle.id), km: vehicle.odometerKm },
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
