import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `<LogicalId.Arn>` as cdk-nag prints a resource's ARN in a finding. */
export function nagArnOf(resource: IConstruct): string {
  const cfn = resource instanceof CfnResource ? resource : resource.node.defaultChild;
  if (!(cfn instanceof CfnResource)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${String(Stack.of(cfn).resolve(cfn.logicalId))}.Arn>`;
}

/** `Ref` of a resource as cdk-nag prints it inside an intrinsic. */
export function logicalIdOf(resource: IConstruct): string {
  const cfn = resource.node.defaultChild;
  if (!(cfn instanceof CfnResource)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return String(Stack.of(cfn).resolve(cfn.logicalId));
}

/** Acknowledges one precise cdk-nag AwsSolutions finding on `scope`, with the reason it is acceptable. */
export function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${finding}`, reason });
}
