import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { apiRoutes } from '../functions/http/contract/routes.js';
import { metricsNamespace } from '../shared/kernel/telemetry.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import { requestKinds } from '../shared/requests/kinds/index.js';
import { ApprovalTasks } from '../workflows/approval-steps.js';
import { ApprovalLineWorkflow, workflowIdOf } from '../workflows/kind-workflow.js';
import { AccessLogCheck } from './constructs/access-log-check.js';
import { useObservability } from './constructs/app-function.js';
import { ApprovalApi } from './constructs/approval-api.js';
import { ApprovalTimers } from './constructs/approval-timers.js';
import { DataStore } from './constructs/data-store.js';
import { DocumentStore } from './constructs/document-store.js';
import { DomainEvents } from './constructs/domain-events.js';
import { FinanceReports } from './constructs/finance-reports.js';
import { Monitoring } from './constructs/monitoring.js';
import { acknowledge } from './constructs/nag.js';
import type { StageConfig } from './stage-config.js';

/** One stage of the backend: the table and the documents' files (stateful), the API, and one workflow per request kind. */
export class ApprovalStack extends Stack {
  readonly data: DataStore;
  readonly documents: DocumentStore;
  readonly api: ApprovalApi;

  constructor(scope: Construct, id: string, props: StackProps & { stageName: string; config: StageConfig }) {
    super(scope, id, props);
    const { config } = props;
    useObservability(this, { metricsNamespace: metricsNamespace(props.stageName), logLevel: config.logLevel });

    this.data = new DataStore(this, 'Data', { retain: config.retainData });
    this.documents = new DocumentStore(this, 'DocumentStore', {
      retain: config.retainData,
      policy: officePolicy,
      portalOrigins: config.portalOrigins,
    });
    this.api = new ApprovalApi(this, 'Api', { jwtIssuer: config.jwtIssuer, jwtAudience: config.jwtAudience });

    // Slack credentials: the stack creates the secret; the operator puts {"botToken", "signingSecret"} in it (README).
    const slackSecret = new Secret(this, 'SlackSecret', {
      description: 'Slack app credentials for approvals: {"botToken": "xoxb-…", "signingSecret": "…"} (set by the operator)',
    });
    new CfnOutput(this, 'SlackSecretArn', {
      value: slackSecret.secretArn,
      description: 'Put {"botToken", "signingSecret"} of the Slack app here (README: Slack)',
    });
    new CfnOutput(this, 'SlackInteractivityUrl', {
      value: `${this.api.endpoint}/slack/interactions`,
      description: "The Slack app's Interactivity Request URL",
    });
    acknowledge(
      slackSecret,
      'SMG4',
      "Slack bot tokens and signing secrets are rotated in Slack's app settings, not by a Lambda; the operator updates this value then.",
    );
    const mail = { from: config.mailFrom, publicBaseUrl: config.publicBaseUrl ?? this.api.endpoint, slackSecret };
    const tasks = new ApprovalTasks(this, 'ApprovalTasks', { data: this.data, mail });
    // One workflow per kind, in the registry's order (the state machines' logical ids follow the kind).
    const workflows = Object.fromEntries(
      requestKinds.map((kind) => [
        kind.id,
        new ApprovalLineWorkflow(this, workflowIdOf(kind.id), { kind, tasks, policy: officePolicy }).stateMachine,
      ]),
    );

    const reports = new FinanceReports(this, 'FinanceReports', { data: this.data, mail });
    this.api.addRoutes({ routes: apiRoutes, data: this.data, documents: this.documents, workflows, mail, reports });
    new ApprovalTimers(this, 'ApprovalTimers', { data: this.data, mail, workflows, documents: this.documents });
    new AccessLogCheck(this, 'AccessLogCheck', { data: this.data, mail });
    new DomainEvents(this, 'DomainEvents', { data: this.data, stageName: props.stageName });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "The product targets Node.js 22 (the office's supported LTS); a runtime upgrade is a deliberate, tested change.",
    });

    // Last: it finds every function, state machine and dead-letter queue created above.
    new Monitoring(this, 'Monitoring', {
      stageName: props.stageName,
      alarmEmails: config.alarmEmails,
      api: this.api.httpApi,
      table: this.data.table,
    });
  }
}
