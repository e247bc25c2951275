import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApprovalApi } from './constructs/approval-api.js';
import { DataStore } from './constructs/data-store.js';
import type { StageConfig } from './stage-config.js';
import { ApprovalTasks } from '../workflows/approval-steps.js';
import { HealthCheckupWorkflow } from '../workflows/health-checkup-workflow.js';
import { InfertilityTreatmentWorkflow } from '../workflows/infertility-treatment-workflow.js';
import { PersonnelTransferWorkflow } from '../workflows/personnel-transfer-workflow.js';
import { FacilityRepairWorkflow } from '../workflows/facility-repair-workflow.js';
import { VehicleBookingWorkflow } from '../workflows/vehicle-booking-workflow.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import { ApprovalTimers } from './constructs/approval-timers.js';

/** One stage of the backend: the table (stateful), the API, and one workflow per request kind. */
export class ApprovalStack extends Stack {
  readonly data: DataStore;
  readonly api: ApprovalApi;

  constructor(scope: Construct, id: string, props: StackProps & { config: StageConfig }) {
    super(scope, id, props);
    const { config } = props;

    this.data = new DataStore(this, 'Data', { retain: config.retainData });
    this.api = new ApprovalApi(this, 'Api', { jwtIssuer: config.jwtIssuer, jwtAudience: config.jwtAudience });

    const mail = { from: config.mailFrom, publicBaseUrl: config.publicBaseUrl ?? this.api.endpoint };
    const tasks = new ApprovalTasks(this, 'ApprovalTasks', { data: this.data, mail });
    const healthCheckup = new HealthCheckupWorkflow(this, 'HealthCheckupWorkflow', { tasks, policy: officePolicy });
    const infertilityTreatment = new InfertilityTreatmentWorkflow(this, 'InfertilityTreatmentWorkflow', { tasks, policy: officePolicy });
    const personnelTransfer = new PersonnelTransferWorkflow(this, 'PersonnelTransferWorkflow', { tasks, policy: officePolicy });
    const facilityRepair = new FacilityRepairWorkflow(this, 'FacilityRepairWorkflow', { tasks, policy: officePolicy });
    const vehicleBooking = new VehicleBookingWorkflow(this, 'VehicleBookingWorkflow', { tasks, policy: officePolicy });
    const workflows = {
      [HealthCheckupWorkflow.kind]: healthCheckup.stateMachine,
      [InfertilityTreatmentWorkflow.kind]: infertilityTreatment.stateMachine,
      [PersonnelTransferWorkflow.kind]: personnelTransfer.stateMachine,
      [FacilityRepairWorkflow.kind]: facilityRepair.stateMachine,
      [VehicleBookingWorkflow.kind]: vehicleBooking.stateMachine,
    };

    this.api.addRequestRoutes({ data: this.data, workflows, mail });
    new ApprovalTimers(this, 'ApprovalTimers', { data: this.data, mail, workflows });
    this.api.addDirectoryRoutes({ data: this.data });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "The product targets Node.js 22 (the office's supported LTS); a runtime upgrade is a deliberate, tested change.",
    });
  }
}
