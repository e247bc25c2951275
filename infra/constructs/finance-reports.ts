import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AppFunction, type MailSettings } from './app-function.js';
import type { DataStore } from './data-store.js';
import { scheduledRun } from './dead-letters.js';
import { acknowledge, nagArnOf } from './nag.js';

/** How long monthly reports are kept before the bucket's lifecycle rule deletes them. */
const REPORT_RETENTION_DAYS = 5 * 365;

/**
 * Finance's monthly report and reconciliation. On the 1st at 09:00 KST (00:00 UTC) a function
 * writes the previous month's totals as CSV and XLSX to a private bucket and emails finance the
 * links; reports expire by a lifecycle rule. A second function recomputes a month on demand.
 */
export class FinanceReports extends Construct {
  readonly bucket: Bucket;
  readonly report: AppFunction;
  readonly reconcile: AppFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: { data: DataStore; mail: MailSettings }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Reports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-monthly-reports', expiration: Duration.days(REPORT_RETENTION_DAYS) }],
      // Reports are records finance has been sent: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'S1',
      'Objects are written only by the report function and read only through the API (which logs the caller); ' +
        'S3 server access logs would add a second bucket for no additional audit value.',
    );
    this.report = new AppFunction(this, 'MonthlyReport', {
      entry: 'functions/tasks/monthly-report.ts',
      description: "The previous month's totals as CSV and XLSX, stored and emailed to finance",
      environment: { REPORT_STORE: 's3', REPORTS_BUCKET: this.bucket.bucketName },
      timeout: Duration.minutes(2),
    })
      .useTable(props.data, 'read')
      .useMail(props.mail);
    this.allowObjects(this.report, 's3:PutObject');
    this.rule = new Rule(this, 'FirstOfMonth0900Kst', {
      description: 'Monthly finance report: the 1st at 09:00 Asia/Seoul (00:00 UTC)',
      schedule: Schedule.cron({ minute: '0', hour: '0', day: '1' }),
      // Still worth sending within the working day it is due (Lambda keeps a retry at most 6 hours);
      // after that the failure waits in the queue for an operator (runbook: #dead-letters).
      targets: [scheduledRun(this, 'MonthlyReportDeadLetters', this.report, Duration.hours(6))],
    });
    this.reconcile = new AppFunction(this, 'Reconcile', {
      entry: 'functions/tasks/reconcile-month.ts',
      description: 'Recomputes a month of finance totals from its events and reports any difference',
      timeout: Duration.minutes(15),
    }).useTable(props.data, 'read');
  }

  /** One action on this bucket's objects, nothing else (no listing, no bucket settings). */
  private allowObjects(fn: AppFunction, action: 's3:PutObject' | 's3:GetObject') {
    fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [action], resources: [this.bucket.arnForObjects('*')] }));
    acknowledge(
      fn,
      `IAM5[Resource::${nagArnOf(this.bucket)}/*]`,
      `${action} on the report bucket's objects only; keys are months, unknown at deploy time.`,
    );
  }

  /** Lets an API function read stored reports. */
  grantReportRead(fn: AppFunction): AppFunction {
    this.allowObjects(fn, 's3:GetObject');
    fn.addEnvironment('REPORT_STORE', 's3');
    fn.addEnvironment('REPORTS_BUCKET', this.bucket.bucketName);
    return fn;
  }
}
