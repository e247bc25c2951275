import { randomUUID } from 'node:crypto';
import type { LocalClockControl } from '../../shared/adapters/local-clock.js';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalSchedule } from './template.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface ScheduleRunnerOptions {
  schedules: LocalSchedule[];
  clock: Pick<LocalClockControl, 'now' | 'speed'>;
  invoke(functionArn: string, event: unknown): Promise<unknown>;
  log: Log;
  /** Real ms between checks. Default: one local minute (the finest rate or cron step), between 250 ms and 1 s. */
  checkEveryMs?: number;
  /** Grace for runs in flight when the runner stops. */
  stopGraceMs?: number;
}

export interface ScheduleRunResult {
  rule: string;
  target: string;
  ok: boolean;
  error?: string;
}

export interface ScheduleRunner {
  /**
   * Fires the targets of every rule (or of the rule with logical id `rule`) now and waits for them.
   * A run of the same rule in flight finishes first: runs of one rule never overlap.
   */
  runNow(rule?: string): Promise<ScheduleRunResult[]>;
  /** Fires every rule whose next fire time the clock has passed (the interval calls this). */
  check(): void;
  /** Each rule's next fire time by the local clock (undefined: it never fires again). */
  upcoming(): { rule: string; expression: string; next: Date | undefined }[];
  stop(): Promise<void>;
}

export class UnknownRuleError extends Error {
  override name = 'UnknownRuleError';
  constructor(
    readonly rule: string,
    readonly known: string[],
  ) {
    super(`no enabled schedule rule ${rule} (known: ${known.join(', ') || 'none'})`);
  }
}

interface RuleState {
  schedule: LocalSchedule;
  expression: ScheduleExpression;
  /** When rate schedules started counting: the runner's start, as EventBridge counts from the rule's creation. */
  anchor: Date;
  next: Date | undefined;
  /** The tail of this rule's runs: each run starts after the previous one settles. */
  queue: Promise<unknown>;
  inFlight: number;
}

const functionName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/**
 * EventBridge scheduled rules on the local clock. Each rule fires when the (possibly accelerated)
 * clock passes its next fire time; occurrences skipped by a jump of the clock are coalesced into
 * one run, as a late cron would run once. A failing target is logged and never stops the runtime.
 */
export function startScheduleRunner(options: ScheduleRunnerOptions): ScheduleRunner {
  const { clock, log } = options;
  const startedAt = clock.now();
  // Parsing every expression first: an unsupported one stops the runtime at startup, not at its first fire.
  const rules: RuleState[] = options.schedules.map((schedule) => {
    const expression = parseScheduleExpression(schedule.expression);
    return { schedule, expression, anchor: startedAt, next: nextFireTime(expression, startedAt, startedAt), queue: Promise.resolve(), inFlight: 0 };
  });
  let stopped = false;

  const fire = async (state: RuleState, trigger: 'schedule' | 'manual'): Promise<ScheduleRunResult[]> => {
    const time = clock.now();
    const scheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: [state.schedule.arn],
      detail: {},
    };
    const results: ScheduleRunResult[] = [];
    for (const target of state.schedule.targets) {
      const fields = {
        rule: state.schedule.logicalId,
        target: target.id,
        function: functionName(target.functionArn),
        trigger,
        time: time.toISOString(),
      };
      const started = performance.now();
      try {
        // Each target gets its own copy: a function that mutates its event cannot affect the next one.
        await options.invoke(target.functionArn, structuredClone(target.input === undefined ? scheduledEvent : target.input));
        log('info', 'scheduled run', { ...fields, ms: Math.round(performance.now() - started) });
        results.push({ rule: state.schedule.logicalId, target: target.id, ok: true });
      } catch (error) {
        log('error', 'scheduled run failed', {
          ...fields,
          ms: Math.round(performance.now() - started),
          error: error instanceof Error ? error.stack : String(error),
        });
        results.push({ rule: state.schedule.logicalId, target: target.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return results;
  };

  const enqueue = (state: RuleState, trigger: 'schedule' | 'manual'): Promise<ScheduleRunResult[]> => {
    state.inFlight += 1;
    const run = state.queue
      .then(() => fire(state, trigger))
      .finally(() => {
        state.inFlight -= 1;
      });
    state.queue = run.catch(() => undefined);
    return run;
  };

  const check = () => {
    if (stopped) return;
    const now = clock.now();
    for (const state of rules) {
      // A rule still running waits for the next check; its due time stays due meanwhile.
      if (state.inFlight > 0 || !state.next || state.next > now) continue;
      state.next = nextFireTime(state.expression, now, state.anchor);
      enqueue(state, 'schedule').catch((error: unknown) =>
        log('error', 'scheduled run failed', { rule: state.schedule.logicalId, error: String(error) }),
      );
    }
  };

  const checkEveryMs = options.checkEveryMs ?? Math.min(1000, Math.max(250, 60_000 / clock.speed));
  const timer = setInterval(check, checkEveryMs);
  // The runtime's servers keep the process alive; the scheduler alone must not.
  timer.unref();

  log('info', 'schedules', {
    checkEveryMs,
    rules: rules.map((state) => ({
      rule: state.schedule.logicalId,
      expression: state.schedule.expression,
      targets: state.schedule.targets.map((target) => functionName(target.functionArn)),
      next: state.next?.toISOString() ?? null,
    })),
  });
  for (const state of rules.filter((candidate) => !candidate.next)) {
    log('warn', 'schedule never fires', { rule: state.schedule.logicalId, expression: state.schedule.expression });
  }

  return {
    async runNow(rule) {
      if (stopped) throw new Error('the schedule runner has stopped');
      const selected = rule === undefined ? rules : rules.filter((state) => state.schedule.logicalId === rule);
      if (rule !== undefined && selected.length === 0) {
        throw new UnknownRuleError(
          rule,
          rules.map((state) => state.schedule.logicalId),
        );
      }
      const now = clock.now();
      for (const state of selected) {
        // A manual run of a due rule stands for the due occurrence, so the timer does not repeat it.
        if (state.next && state.next <= now) state.next = nextFireTime(state.expression, now, state.anchor);
      }
      return (await Promise.all(selected.map((state) => enqueue(state, 'manual')))).flat();
    },
    check,
    upcoming: () => rules.map((state) => ({ rule: state.schedule.logicalId, expression: state.schedule.expression, next: state.next })),
    async stop() {
      stopped = true;
      clearInterval(timer);
      const grace = options.stopGraceMs ?? 5000;
      let timeout: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        Promise.all(rules.map((state) => state.queue)).then(() => true),
        new Promise<false>((done) => (timeout = setTimeout(() => done(false), grace))),
      ]);
      clearTimeout(timeout);
      if (!settled)
        log('warn', 'scheduled runs still in flight at stop', {
          rules: rules.filter((state) => state.inFlight > 0).map((state) => state.schedule.logicalId),
        });
    },
  };
}
