import { Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppFunction } from './app-function.js';
import type { DataStore } from './data-store.js';
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

  /** Routes the request API to its functions. */
  addRequestRoutes(props: { data: DataStore; workflows: Record<string, StateMachine> }) {
    const { data, workflows } = props;
    const STATE_MACHINES = Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(workflows).map(([kind, machine]) => [kind, machine.stateMachineArn])),
    );
    const fn = (name: string, entry: string, description: string, access: 'read' | 'read-write', environment: Record<string, string> = {}) =>
      new AppFunction(this, name, { entry, description, environment }).useTable(data, access);

    const submit = fn('SubmitRequest', 'functions/http/submit-request.ts', 'POST /requests', 'read-write', { STATE_MACHINES });
    const get = fn('GetRequest', 'functions/http/get-request.ts', 'GET /requests/{id}', 'read-write');
    const list = fn('ListRequests', 'functions/http/list-requests.ts', 'GET /requests', 'read');
    const withdraw = fn('WithdrawRequest', 'functions/http/withdraw-request.ts', 'POST /requests/{id}/withdraw', 'read-write', { STATE_MACHINES });
    const showDecision = fn('ShowDecision', 'functions/http/show-decision.ts', 'GET /decisions/{linkId}', 'read-write', { STATE_MACHINES });
    const submitDecision = fn('SubmitDecision', 'functions/http/submit-decision.ts', 'POST /decisions/{linkId}', 'read-write', { STATE_MACHINES });
    for (const machine of Object.values(workflows)) {
      machine.grantStartExecution(submit);
      machine.grantExecution(withdraw, 'states:StopExecution');
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalIdOf(machine) }] }] })}:*`;
      acknowledge(withdraw, `IAM5[Resource::${executions}]`, "StopExecution is granted on this state machine's executions only; execution names are request ids, unknown at deploy time.");
      machine.grantTaskResponse(submitDecision);
    }

    const route = (method: HttpMethod, path: string, handler: AppFunction, options: { public?: boolean } = {}) => {
      const [created] = this.httpApi.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(`${handler.node.id}Integration`, handler),
        ...(options.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (options.public && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Approval links are opened from email by approvers who may not be signed in; the unguessable single-use link id (256 bits, stored only as a hash, bound to one approver and step) is the credential.',
        });
      }
    };
    route(HttpMethod.POST, '/requests', submit);
    route(HttpMethod.GET, '/requests', list);
    route(HttpMethod.GET, '/requests/{id}', get);
    route(HttpMethod.POST, '/requests/{id}/withdraw', withdraw);
    route(HttpMethod.GET, '/decisions/{linkId}', showDecision, { public: true });
    route(HttpMethod.POST, '/decisions/{linkId}', submitDecision, { public: true });
  }
}
