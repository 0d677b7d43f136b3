import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { Access } from '../../../functions/jobs/schedules.js';
import type { Mail } from './mail.js';

/** What a declaration's `access` can name. */
export interface AccessTargets {
  table: dynamodb.ITable;
  /** The table's index names (from shared/store/table.ts): grants name each index, no `index/*`. */
  indexNames: readonly string[];
  bucket: s3.IBucket;
  mail: Mail;
  /** The key of upload-page links; present when some declaration reads it. */
  uploadPageSecret?: secretsmanager.ISecret;
}

// Transactions need no actions of their own: TransactWriteItems is authorised per item as
// PutItem / UpdateItem / DeleteItem / ConditionCheckItem, TransactGetItems as GetItem.
// No Scan: every list the API offers is a Query (shared/store/keys.ts), and the grant holds the code to it.
const tableRead = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const tableWrite = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
// Reading covers HeadObject and presigned downloads; ListBucket makes a missing key a 404, not a 403.
const objectRead = ['s3:GetObject'];
const objectWrite = ['s3:PutObject', 's3:DeleteObject'];

/**
 * Least privilege from the declaration: a function gets exactly the table, bucket, mail and secret rights its
 * `access` names. These are CDK's grantReadData / grantReadWriteData and grantRead / grantReadWrite
 * narrowed — no Scan, no stream actions, none of their wildcards (`index/*`, `s3:GetObject*`) — so
 * nothing here needs a cdk-nag acknowledgement except object keys, which only exist at run time.
 */
export function grantAccess(role: iam.IRole & IConstruct, access: Access, targets: AccessTargets): void {
  if (access.table) {
    const { tableArn } = targets.table;
    const resources = [tableArn, ...targets.indexNames.map((name) => `${tableArn}/index/${name}`)];
    const actions = access.table === 'readWrite' ? [...tableRead, ...tableWrite] : tableRead;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  }
  if (access.bucket) {
    const { bucket } = targets;
    const actions = access.bucket === 'readWrite' ? [...objectRead, ...objectWrite] : objectRead;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects('*')] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/*]`,
      reason:
        'Object actions on the documents bucket only: document keys are generated per upload at run time, ' +
        'so they cannot be listed in the policy.',
    });
  }
  if (access.sendEmail) targets.mail.grantSend(role);
  if (access.uploadPageSecret) {
    if (!targets.uploadPageSecret)
      throw new Error('A declaration reads the upload-page secret, but there is none');
    // secretsmanager:GetSecretValue and DescribeSecret on this one secret.
    targets.uploadPageSecret.grantRead(role);
  }
}

function logicalIdOf(bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild as { logicalId?: string } | undefined;
  if (!cfn?.logicalId) throw new Error('The documents bucket must be defined in this stack');
  return bucket.stack.resolve(cfn.logicalId) as string;
}
