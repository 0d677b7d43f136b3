import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/**
 * The one piece of shared/mail that talks to the outside: sending a raw MIME message through SES v2.
 * The client is created once per process, on first use (module scope, reused across Lambda invocations);
 * its endpoint comes from the SDK's standard AWS_ENDPOINT_URL_SESV2 variable, so the same code reaches the
 * local SES server. The sender is `SES_FROM` (in AWS the stack sets it to the identity it may send as).
 */
export interface OutgoingRaw {
  from: string;
  to: readonly string[];
  raw: Buffer;
}

export interface Mailer {
  /** Sends the message; resolves to SES's message id. */
  send(message: OutgoingRaw): Promise<string>;
}

let client: SESv2Client | undefined;

export function sesClient(): SESv2Client {
  client ??= new SESv2Client({});
  return client;
}

export function sesMailer(ses: SESv2Client = sesClient()): Mailer {
  return {
    async send({ from, to, raw }) {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [...to] },
          Content: { Raw: { Data: raw } },
        }),
      );
      if (!out.MessageId) throw new Error('SES accepted the message but returned no MessageId');
      return out.MessageId;
    },
  };
}

export { SENDER_NAME, senderAddress } from './sender.js';
