import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { AppFunction, type MailSettings } from './app-function.js';
import type { DataStore } from './data-store.js';
import { scheduledRun } from './dead-letters.js';

/**
 * The access log's monthly check (개인정보 접속기록 점검, 안전성 확보조치 기준 §8): on the 1st at
 * 09:30 KST a function reads last month's access log and emails the privacy officers who read how
 * much, with the reads outside a reader's usual scope listed.
 */
export class AccessLogCheck extends Construct {
  readonly check: AppFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: { data: DataStore; mail: MailSettings }) {
    super(scope, id);
    this.check = new AppFunction(this, 'MonthlyCheck', {
      entry: 'functions/tasks/access-log-check.ts',
      description: "Last month's access log, summarised per reader with unusual reads flagged, emailed to the privacy officers",
      timeout: Duration.minutes(5),
    })
      .useTable(props.data, 'read')
      .useMail(props.mail);
    this.rule = new Rule(this, 'FirstOfMonth0930Kst', {
      description: 'Monthly access-log check: the 1st at 09:30 Asia/Seoul (00:30 UTC)',
      schedule: Schedule.cron({ minute: '30', hour: '0', day: '1' }),
      // As the monthly report: worth running within its working day, then an operator's.
      targets: [scheduledRun(this, 'MonthlyCheckDeadLetters', this.check, Duration.hours(6))],
    });
  }
}
