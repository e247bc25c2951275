import { basename } from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { KindRoute } from '../../shared/requests/kind.js';
import { AppFunction, type MailSettings } from './app-function.js';
import type { DataStore } from './data-store.js';
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

  /** Routes the request and approval API to its functions; each function gets only the access it needs. */
  addRequestRoutes(props: { data: DataStore; workflows: Record<string, StateMachine>; mail: MailSettings }) {
    const { data, workflows, mail } = props;
    const STATE_MACHINES = Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(workflows).map(([kind, machine]) => [kind, machine.stateMachineArn])),
    );
    const fn = (name: string, entry: string, description: string, access: 'read' | 'read-write', environment: Record<string, string> = {}) =>
      this.tableFunction(data, name, entry, description, access, environment);

    const submit = fn('SubmitRequest', 'functions/http/submit-request.ts', 'POST /requests', 'read-write', { STATE_MACHINES }).useMail(mail);
    const get = fn('GetRequest', 'functions/http/get-request.ts', 'GET /requests/{id}', 'read-write');
    const history = fn('GetHistory', 'functions/http/get-history.ts', 'GET /requests/{id}/history', 'read-write');
    const list = fn('ListRequests', 'functions/http/list-requests.ts', 'GET /requests', 'read');
    const withdraw = fn('WithdrawRequest', 'functions/http/withdraw-request.ts', 'POST /requests/{id}/withdraw', 'read-write', { STATE_MACHINES });
    const revise = fn('ReviseRequest', 'functions/http/revise-request.ts', 'PUT /requests/{id}', 'read-write', { STATE_MACHINES });
    const resubmit = fn('ResubmitRequest', 'functions/http/resubmit-request.ts', 'POST /requests/{id}/resubmit', 'read-write', { STATE_MACHINES });
    const showDecision = fn('ShowDecision', 'functions/http/show-decision.ts', 'GET /decisions/{linkId}', 'read-write');
    const submitDecision = fn('SubmitDecision', 'functions/http/submit-decision.ts', 'POST /decisions/{linkId}', 'read-write', {
      STATE_MACHINES,
    }).useMail(mail);
    const listApprovals = fn('ListApprovals', 'functions/http/list-approvals.ts', 'GET /approvals', 'read');
    const decideApproval = fn('DecideApproval', 'functions/http/decide-approval.ts', 'POST /approvals/{requestId}/decision', 'read-write', {
      STATE_MACHINES,
    }).useMail(mail);
    const skipStep = fn('SkipApprovalStep', 'functions/http/skip-approval-step.ts', 'POST /approvals/{requestId}/skip', 'read-write', {
      STATE_MACHINES,
    }).useMail(mail);
    const putDelegation = fn('PutDelegation', 'functions/http/put-delegation.ts', 'PUT /delegations', 'read-write').useMail(mail);
    const endDelegation = fn('EndDelegation', 'functions/http/end-delegation.ts', 'DELETE /delegations/{from}', 'read-write').useMail(mail);
    const listDelegations = fn('ListDelegations', 'functions/http/list-delegations.ts', 'GET /delegations', 'read');
    const slackInteractions = fn('SlackInteractions', 'functions/http/slack-interactions.ts', 'POST /slack/interactions', 'read-write', {
      STATE_MACHINES,
    }).useMail(mail);
    for (const machine of Object.values(workflows)) {
      machine.grantStartExecution(submit);
      machine.grantStartExecution(resubmit);
      machine.grantExecution(withdraw, 'states:StopExecution');
      const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalIdOf(machine) }] }] });
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*`;
      acknowledge(
        withdraw,
        `IAM5[Resource::${executions}]`,
        "StopExecution is granted on this state machine's executions only; execution names are request ids, unknown at deploy time.",
      );
      for (const decider of [submitDecision, decideApproval, skipStep, slackInteractions]) machine.grantTaskResponse(decider);
    }

    this.route(HttpMethod.POST, '/requests', submit);
    this.route(HttpMethod.GET, '/requests', list);
    this.route(HttpMethod.GET, '/requests/{id}', get);
    this.route(HttpMethod.PUT, '/requests/{id}', revise);
    this.route(HttpMethod.GET, '/requests/{id}/history', history);
    this.route(HttpMethod.POST, '/requests/{id}/withdraw', withdraw);
    this.route(HttpMethod.POST, '/requests/{id}/resubmit', resubmit);
    this.route(HttpMethod.GET, '/approvals', listApprovals);
    this.route(HttpMethod.POST, '/approvals/{requestId}/decision', decideApproval);
    this.route(HttpMethod.POST, '/approvals/{requestId}/skip', skipStep);
    this.route(HttpMethod.PUT, '/delegations', putDelegation);
    this.route(HttpMethod.GET, '/delegations', listDelegations);
    this.route(HttpMethod.DELETE, '/delegations/{from}', endDelegation);
    this.route(HttpMethod.GET, '/decisions/{linkId}', showDecision, { public: true });
    this.route(HttpMethod.POST, '/decisions/{linkId}', submitDecision, { public: true });
    // Slack's interactivity endpoint: public, every request verified by its signature.
    this.route(HttpMethod.POST, '/slack/interactions', slackInteractions, {
      public: true,
      credential:
        "Slack calls this endpoint and cannot hold the office's JWT; each request is verified by Slack's HMAC-SHA256 signature over the raw body " +
        "with the app's signing secret (5-minute window), and only the step holder's own Slack user can decide.",
    });
  }

  /**
   * The routes a kind declares for its own life after approval (a repair's work report, a booking's
   * trip log, 인사팀's round list): each its own function, named after its handler module.
   */
  addKindRoutes(props: { data: DataStore; mail: MailSettings; routes: readonly KindRoute[] }) {
    for (const route of props.routes) {
      const name = basename(route.entry, '.ts')
        .split('-')
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join('');
      const handler = this.tableFunction(props.data, name, route.entry, `${route.method} ${route.path}`, route.access);
      if (route.tells) handler.useMail(props.mail);
      this.route(HttpMethod[route.method], route.path, handler);
    }
  }

  /** Routes directory administration (admins only; the use case checks the role) to its functions. */
  addDirectoryRoutes(props: { data: DataStore }) {
    const { data } = props;
    const getPerson = this.tableFunction(data, 'GetPerson', 'functions/http/get-person.ts', 'GET /directory/people/{id}', 'read');
    const putPerson = this.tableFunction(data, 'PutPerson', 'functions/http/put-person.ts', 'PUT /directory/people/{id}', 'read-write');
    const listDepartments = this.tableFunction(data, 'ListDepartments', 'functions/http/list-departments.ts', 'GET /directory/departments', 'read');
    this.route(HttpMethod.GET, '/directory/people/{id}', getPerson);
    this.route(HttpMethod.PUT, '/directory/people/{id}', putPerson);
    this.route(HttpMethod.GET, '/directory/departments', listDepartments);
  }

  private tableFunction(
    data: DataStore,
    name: string,
    entry: string,
    description: string,
    access: 'read' | 'read-write',
    environment: Record<string, string> = {},
  ): AppFunction {
    return new AppFunction(this, name, { entry, description, environment }).useTable(data, access);
  }

  /** Finance: monthly totals, payments, budget and the stored monthly reports (role `finance`, checked in the functions). */
  addFinanceRoutes(props: { data: DataStore; reports: FinanceReports }) {
    const { data, reports } = props;
    const fn = (name: string, entry: string, description: string, access: 'read' | 'read-write') =>
      this.tableFunction(data, name, entry, description, access, {});
    this.route(
      HttpMethod.GET,
      '/finance/monthly-totals',
      fn('FinanceMonthlyTotals', 'functions/http/finance-totals.ts', 'GET /finance/monthly-totals', 'read'),
    );
    this.route(
      HttpMethod.POST,
      '/finance/payments',
      fn('FinancePayments', 'functions/http/finance-payments.ts', 'POST /finance/payments', 'read-write'),
    );
    this.route(HttpMethod.GET, '/finance/budget', fn('FinanceBudget', 'functions/http/finance-budget.ts', 'GET /finance/budget', 'read'));
    this.route(
      HttpMethod.GET,
      '/finance/reports/{month}/{file}',
      reports.grantReportRead(fn('FinanceReport', 'functions/http/finance-report.ts', 'GET /finance/reports/{month}/{file}', 'read')),
    );
  }

  /** A route behind the JWT authorizer, or public with the reason its own credential suffices (decision links, Slack). */
  private route(method: HttpMethod, path: string, handler: AppFunction, options: { public?: boolean; credential?: string } = {}): void {
    const [created] = this.httpApi.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(`${handler.node.id}Integration`, handler),
      ...(options.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
    });
    if (options.public && created) {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          options.credential ??
          'Approval links are opened from email by approvers who may not be signed in; the unguessable single-use link id ' +
            '(256 bits, stored only as a hash, bound to one approver and step) is the credential.',
      });
    }
  }
}
