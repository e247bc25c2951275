/**
 * What the backend measures and how it is named, in one place: the functions emit these (EMF, via
 * Powertools Metrics) and the stack's alarms and dashboard read them, so the two cannot drift.
 * Every metric carries the `service` dimension; those listed with more carry them as well.
 */
export const telemetryService = 'approvals';

/** One CloudWatch namespace per stage (`Approvals/dev`, `Approvals/prod`). */
export const metricsNamespace = (stage: string) => `Approvals/${stage}`;

export const metricNames = {
  /** A request was submitted (dimension `kind`). */
  requestsSubmitted: 'RequestsSubmitted',
  /** A request reached its final decision (dimensions `kind`, `outcome`: approved | rejected). */
  requestsDecided: 'RequestsDecided',
  /** A step was decided by a person (dimension `channel`: api | email-link | slack). */
  decisions: 'Decisions',
  /** A workflow recorded a failure (the request is `failed`). */
  workflowFailures: 'WorkflowFailures',
  /** The timer sweep re-sent a decision the workflow had not taken (`resumePending`). */
  resumeResent: 'ResumePendingResent',
  /** Requests whose decision has waited for the workflow for more than an hour (a gauge, every sweep). */
  resumeStuck: 'ResumePendingOverAnHour',
  /** A Slack notice could not be sent. */
  slackFailures: 'SlackFailures',
  /** An email could not be sent. */
  mailFailures: 'MailFailures',
  /** Reminders sent (to approvers, and to requesters asked for a supplement). */
  reminders: 'RemindersSent',
  /** Steps escalated past their holder. */
  escalations: 'Escalations',
  /** The timer sweep ran to its end (a heartbeat: its absence is the "sweep not running" alarm). */
  sweepCompleted: 'TimerSweepCompleted',
  /** Domain events put on the bus, and those the bus refused (retried by the stream). */
  eventsPublished: 'DomainEventsPublished',
  eventsFailed: 'DomainEventsFailed',
} as const;
export type MetricName = (typeof metricNames)[keyof typeof metricNames];
