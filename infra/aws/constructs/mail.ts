import type * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  /** The sender address (`SES_FROM`). */
  senderEmail: string;
  /** Verify this domain instead of the single address. */
  senderDomain?: string;
}

/**
 * The SES identity mails are sent from. Functions whose declaration says `sendEmail` may send as this
 * identity only (ses:SendEmail / ses:SendRawEmail on its ARN), never as any other.
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly from: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.from = props.senderEmail;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: props.senderDomain
        ? ses.Identity.domain(props.senderDomain)
        : ses.Identity.email(props.senderEmail),
    });
  }

  grantSend(grantee: iam.IGrantable): iam.Grant {
    return this.identity.grantSendEmail(grantee);
  }
}
