import { describe, expect, it } from 'vitest';
import { localBucketName, readTemplate } from '../../infra/local/template.js';

const lambda = (asset: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', Timeout: 30, Environment: { Variables: { TABLE_NAME: { Ref: 'Table' } } } },
  Metadata: { 'aws:asset:path': asset },
});

/** The shape CDK synthesizes for `new Rule(..., { schedule, targets: [new LambdaFunction(fn)] })`, trimmed. */
function template(rules: Record<string, unknown>) {
  return {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
      TimersFn1A2B3C: lambda('asset.timers'),
      ReportFnD4E5F6: lambda('asset.report'),
      Queue: { Type: 'AWS::SQS::Queue' },
      ...rules,
    },
  };
}

const rule = (properties: Record<string, unknown>) => ({ Type: 'AWS::Events::Rule', Properties: properties });
const fnTarget = (fn: string, extra: Record<string, unknown> = {}) => ({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Id: 'Target0', ...extra });

describe('readTemplate: scheduled rules', () => {
  it('reads each enabled schedule with its Lambda targets and their constant input', () => {
    const read = readTemplate(
      template({
        TimersRuleAAAA: rule({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED', Targets: [fnTarget('TimersFn1A2B3C')] }),
        MonthlyReportRuleBBBB: rule({
          ScheduleExpression: 'cron(0 0 1 * ? *)',
          // No State: enabled, as in CloudFormation.
          Targets: [
            fnTarget('ReportFnD4E5F6', { Input: '{"report":"monthly","format":"csv"}', RetryPolicy: { MaximumRetryAttempts: 2 } }),
            fnTarget('TimersFn1A2B3C', { Id: 'Target1', Input: { 'Fn::Join': ['', ['{"table":"', { Ref: 'Table' }, '"}']] } }),
          ],
        }),
        PausedRuleCCCC: rule({ ScheduleExpression: 'rate(1 day)', State: 'DISABLED', Targets: [fnTarget('TimersFn1A2B3C')] }),
        OnEventRuleDDDD: rule({ EventPattern: { source: ['aws.s3'] }, Targets: [fnTarget('TimersFn1A2B3C')] }),
      }),
    );

    expect(read.schedules).toEqual([
      {
        logicalId: 'TimersRuleAAAA',
        arn: 'arn:aws:events:ap-northeast-2:000000000000:rule/TimersRuleAAAA',
        expression: 'rate(15 minutes)',
        targets: [{ id: 'Target0', functionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:TimersFn1A2B3C' }],
      },
      {
        logicalId: 'MonthlyReportRuleBBBB',
        arn: 'arn:aws:events:ap-northeast-2:000000000000:rule/MonthlyReportRuleBBBB',
        expression: 'cron(0 0 1 * ? *)',
        targets: [
          {
            id: 'Target0',
            functionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:ReportFnD4E5F6',
            input: { report: 'monthly', format: 'csv' },
          },
          { id: 'Target1', functionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:TimersFn1A2B3C', input: { table: 'Table' } },
        ],
      },
    ]);
    // The targets are the functions the runtime hosts, by the same ARN.
    expect(read.functions.map((fn) => fn.arn)).toContain(read.schedules[0]?.targets[0]?.functionArn);
  });

  it('has no schedules when the template has no rules', () => {
    expect(readTemplate(template({})).schedules).toEqual([]);
  });

  it.each([
    ['a target that is not a function of the stack', { Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Id: 'Q' }, /unsupported Fn::GetAtt Queue\.Arn/],
    [
      'a target ARN outside the stack',
      { Arn: 'arn:aws:lambda:ap-northeast-2:111111111111:function:Elsewhere', Id: 'X' },
      /target X is not a Lambda function of this stack/,
    ],
    [
      'an input transformer',
      fnTarget('TimersFn1A2B3C', { InputTransformer: { InputTemplate: '{}' } }),
      /uses InputTransformer, which the local runtime does not support/,
    ],
    ['an input path', fnTarget('TimersFn1A2B3C', { InputPath: '$.detail' }), /uses InputPath/],
    ['an input that is not JSON', fnTarget('TimersFn1A2B3C', { Input: 'monthly' }), /Input that is not JSON/],
  ])('refuses a rule with %s at startup', (_, target, problem) => {
    expect(() => readTemplate(template({ BadRule: rule({ ScheduleExpression: 'rate(1 hour)', Targets: [target] }) }))).toThrow(problem);
  });
});

describe('readTemplate: buckets', () => {
  const bucket = (properties: Record<string, unknown> = {}) => ({ Type: 'AWS::S3::Bucket', Properties: properties });
  const withBuckets = (buckets: Record<string, unknown>, functionEnvironment: Record<string, unknown> = {}) => ({
    Resources: {
      ...template({}).Resources,
      ...buckets,
      ReportFnD4E5F6: {
        ...lambda('asset.report'),
        Properties: { Handler: 'index.handler', Environment: { Variables: functionEnvironment } },
      },
    },
  });

  it('names each bucket by its logical id in lowercase, for its Ref and its Arn', () => {
    const read = readTemplate(
      withBuckets(
        {
          FinanceReportsReportsB5F2A5D1: bucket({ BucketEncryption: {} }),
          DocumentsUploads9C0FFEE1: bucket({ CorsConfiguration: { CorsRules: [{ AllowedMethods: ['PUT'], AllowedOrigins: ['https://portal'] }] } }),
        },
        {
          REPORTS_BUCKET: { Ref: 'FinanceReportsReportsB5F2A5D1' },
          DOCUMENTS_ARN: { 'Fn::GetAtt': ['DocumentsUploads9C0FFEE1', 'Arn'] },
          DOCUMENT_OBJECTS: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['DocumentsUploads9C0FFEE1', 'Arn'] }, '/*']] },
        },
      ),
    );
    expect(read.buckets).toEqual([
      { logicalId: 'FinanceReportsReportsB5F2A5D1', name: 'financereportsreportsb5f2a5d1' },
      { logicalId: 'DocumentsUploads9C0FFEE1', name: 'documentsuploads9c0ffee1' },
    ]);
    expect(read.functions.find((fn) => fn.logicalId === 'ReportFnD4E5F6')?.environment).toEqual({
      REPORTS_BUCKET: 'financereportsreportsb5f2a5d1',
      DOCUMENTS_ARN: 'arn:aws:s3:::documentsuploads9c0ffee1',
      DOCUMENT_OBJECTS: 'arn:aws:s3:::documentsuploads9c0ffee1/*',
    });
  });

  it('has no buckets when the template declares none', () => {
    expect(readTemplate(template({})).buckets).toEqual([]);
  });

  it.each([
    ['Reports', 'reports'],
    ['A', 'a-bucket'],
    ['Ab', 'ab-bucket'],
    [`Deeply${'Nested'.repeat(12)}ConstructPathReports0123ABCD`, `deeply${'nested'.repeat(8)}-0123abcd`],
  ])('gives %s a valid S3 bucket name, the same every time', (logicalId, name) => {
    expect(localBucketName(logicalId)).toBe(name);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });

  it('refuses two buckets that would get one name', () => {
    expect(() => readTemplate(withBuckets({ ReportsBucket: bucket(), REPORTSBUCKET: bucket() }))).toThrow(
      /buckets ReportsBucket and REPORTSBUCKET would both be named reportsbucket locally/,
    );
  });
});
