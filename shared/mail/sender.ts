/**
 * Who the mails are from, without the SES client (./ses.ts): the message builders need the name, the
 * container the address, and neither should load the SDK for it.
 */

/** The sender address (`SES_FROM`); a missing one is a deployment error, named as such. */
export function senderAddress(): string {
  const from = process.env.SES_FROM;
  if (!from) throw new Error('SES_FROM is not set: the address the monitoring mails are sent from');
  return from;
}

/** The display name beside the sender address. */
export const SENDER_NAME = '区财政局预算绩效管理';
