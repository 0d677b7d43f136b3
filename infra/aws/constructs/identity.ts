import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { Role } from '../../../shared/domain/actor.js';

export interface IdentityProps {
  /** The roles of the domain (shared/domain/actor.ts): one Cognito group each. */
  roles: readonly Role[];
}

/** Tenant ids, as custom attributes: the token carries them as `custom:departmentId` / `custom:agencyId`. */
export const tenantAttributes = ['departmentId', 'agencyId'] as const;

/**
 * Who the callers are: a Cognito user pool whose ID tokens the API's functions verify (aws-jwt-verify). Accounts
 * are created by the bureau (no self sign-up); the group names the role and a custom attribute the
 * department or agency, exactly the claims shared/http/auth.ts reads. Users cannot write those
 * attributes themselves (the app client may only write their name), so nobody can move themselves into
 * another department. MFA (authenticator app) is required and threat protection enforced: these
 * accounts approve and claw back public money.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: Object.fromEntries(
        tenantAttributes.map((name) => [
          name,
          new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        ]),
      ),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of props.roles) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: `Role ${role} of the API` });
    }

    this.client = this.userPool.addClient('Portal', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(...tenantAttributes),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }
}
