import { basename } from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ApiRoute } from '../../functions/http/contract/routes.js';
import { AppFunction, type MailSettings } from './app-function.js';
import type { DataStore } from './data-store.js';
import type { DocumentStore } from './document-store.js';
import type { FinanceReports } from './finance-reports.js';
import { acknowledge, logicalIdOf } from './nag.js';

export interface ApprovalApiProps {
  jwtIssuer: string;
  jwtAudience: string[];
}

/** The HTTP API: staff routes behind the JWT authorizer; decision links, whose id is the credential, without. */
export class ApprovalApi extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: '총무과 approval API',
      createDefaultStage: false,
      defaultAuthorizer: new HttpJwtAuthorizer('StaffJwt', props.jwtIssuer, { jwtAudience: props.jwtAudience }),
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY }),
        ),
      },
    });
  }

  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * Every route of the API (functions/http/contract/routes.ts: the shared ones and each kind's own), each
   * to a function of its own named after its handler module, with only the access its route says it needs.
   */
  addRoutes(props: {
    routes: readonly ApiRoute[];
    data: DataStore;
    documents: DocumentStore;
    workflows: Record<string, StateMachine>;
    mail: MailSettings;
    reports: FinanceReports;
  }) {
    const { data, documents, workflows, mail, reports } = props;
    const STATE_MACHINES = Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(workflows).map(([kind, machine]) => [kind, machine.stateMachineArn])),
    );
    for (const route of props.routes) {
      const name = basename(route.entry, '.ts')
        .split('-')
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join('');
      const handler = new AppFunction(this, name, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        environment: route.workflows ? { STATE_MACHINES } : {},
      });
      if (route.access !== 'none') handler.useTable(data, route.access);
      if (route.tells) handler.useMail(mail);
      if (route.reports) reports.grantReportRead(handler);
      if (route.documents) documents.grant(handler, route.documents);
      for (const machine of Object.values(workflows)) this.grantWorkflows(machine, handler, route.workflows ?? []);
      this.route(route, handler);
    }
  }

  private grantWorkflows(machine: StateMachine, handler: AppFunction, uses: NonNullable<ApiRoute['workflows']>) {
    if (uses.includes('start')) machine.grantStartExecution(handler);
    if (uses.includes('respond')) machine.grantTaskResponse(handler);
    if (uses.includes('stop')) {
      machine.grantExecution(handler, 'states:StopExecution');
      const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalIdOf(machine) }] }] });
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*`;
      acknowledge(
        handler,
        `IAM5[Resource::${executions}]`,
        "StopExecution is granted on this state machine's executions only; execution names are request ids, unknown at deploy time.",
      );
    }
  }

  /** A route behind the JWT authorizer, or public with the reason its own credential suffices (decision links, Slack, the document). */
  private route(route: ApiRoute, handler: AppFunction): void {
    const [created] = this.httpApi.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${handler.node.id}Integration`, handler),
      ...(route.publicBecause ? { authorizer: new HttpNoneAuthorizer() } : {}),
    });
    if (route.publicBecause && created) Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.publicBecause });
  }
}
