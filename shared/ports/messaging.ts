/** How people are told: email always, Slack for those who have it. */

export interface EmailMessage {
  to: { name: string; email: string };
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** Where a chat message landed, so it can be updated later (Slack: the DM channel and the message ts). */
export interface ChatMessageRef {
  channel: string;
  ts: string;
}

/** A chat message: plain text (notifications, accessibility) and Block Kit blocks. */
export interface ChatMessage {
  text: string;
  blocks: unknown[];
}

/**
 * Slack, for approvers who live there. Every call may fail (rate limits, outages): callers treat
 * chat as best effort beside email, never as something a decision or a workflow waits on.
 */
export interface Chat {
  /** A direct message to a Slack user. */
  post(userId: string, message: ChatMessage): Promise<ChatMessageRef>;
  update(ref: ChatMessageRef, message: ChatMessage): Promise<void>;
  /** A modal (e.g. the comment a 반려 needs), opened on a click's trigger id. */
  openModal(triggerId: string, view: Record<string, unknown>): Promise<void>;
  /** A message only `userId` sees, in the channel they clicked in. */
  ephemeral(channel: string, userId: string, text: string): Promise<void>;
}
