import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApprovalStack } from './approval-stack.js';
import { readStage } from './stage-config.js';

/**
 * The one composition of the CDK app, used by `cdk synth/deploy` (infra/app.ts) and by the
 * local runtime, which synthesizes the same app and runs what it finds in the template.
 */
export function buildApp(props: AppProps = {}): { app: App; stack: ApprovalStack } {
  const app = new App(props);
  const stage = readStage({ stage: app.node.tryGetContext('stage'), stages: app.node.tryGetContext('stages') });
  const stack = new ApprovalStack(app, `GeneralAffairsApproval-${stage.name}`, {
    stageName: stage.name,
    config: stage.config,
    description: `총무과 approval backend (${stage.name})`,
    tags: { project: 'general-affairs-approval', stage: stage.name },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
