import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { Access, BucketAccess } from '../../../functions/jobs/schedules.js';
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
// Object actions by kind of access. GetObject covers HeadObject and presigned downloads, PutObject presigned
// uploads (S3 checks the signer's rights). ListBucket (on the bucket) makes a missing key a 404, not a 403.
const objectActions: Record<keyof BucketAccess, string> = {
  put: 's3:PutObject',
  get: 's3:GetObject',
  delete: 's3:DeleteObject',
};
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*\/([A-Za-z0-9._-]+\/)*$/;

/**
 * Least privilege from the declaration: a function gets exactly the table, bucket, mail and secret rights its
 * `access` names. These are CDK's grantReadData / grantReadWriteData and grantPut / grantRead / grantDelete
 * narrowed — no Scan, no stream actions, none of their wildcards (`index/*`, `s3:GetObject*`, `<bucket>/*`):
 * each object action on the key prefixes declared for it — so nothing here needs a cdk-nag acknowledgement
 * except the object keys under a prefix, which only exist at run time.
 */
export function grantAccess(role: iam.IRole & IConstruct, access: Access, targets: AccessTargets): void {
  if (access.table) {
    const { tableArn } = targets.table;
    const resources = [tableArn, ...targets.indexNames.map((name) => `${tableArn}/index/${name}`)];
    const actions = access.table === 'readWrite' ? [...tableRead, ...tableWrite] : tableRead;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  }
  if (access.bucket) grantBucket(role, access.bucket, targets.bucket);
  if (access.sendEmail) targets.mail.grantSend(role);
  if (access.uploadPageSecret) {
    if (!targets.uploadPageSecret)
      throw new Error('A declaration reads the upload-page secret, but there is none');
    // secretsmanager:GetSecretValue and DescribeSecret on this one secret.
    targets.uploadPageSecret.grantRead(role);
  }
}

/** One statement per kind of object access, on exactly the declared prefixes (`<bucket>/uploads/*`). */
function grantBucket(role: iam.IRole & IConstruct, access: BucketAccess, bucket: s3.IBucket): void {
  const acknowledged = new Set<string>();
  for (const kind of Object.keys(objectActions) as (keyof BucketAccess)[]) {
    const prefixes = [...new Set(access[kind] ?? [])];
    if (!prefixes.length) continue;
    for (const prefix of prefixes) {
      if (!PREFIX.test(prefix))
        throw new Error(
          `Bucket ${kind} prefix ${JSON.stringify(prefix)} must be a key prefix such as 'uploads/' (segments ending in /, no wildcards)`,
        );
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [objectActions[kind]],
        resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    for (const prefix of prefixes) {
      if (acknowledged.has(prefix)) continue;
      acknowledged.add(prefix);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${prefix}*]`,
        reason:
          `Object actions under the ${prefix} prefix of the documents bucket only: the keys below it are made per ` +
          'document at run time, so they cannot be listed in the policy.',
      });
    }
  }
  if (access.get?.length) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
}

function logicalIdOf(bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild as { logicalId?: string } | undefined;
  if (!cfn?.logicalId) throw new Error('The documents bucket must be defined in this stack');
  return bucket.stack.resolve(cfn.logicalId) as string;
}
