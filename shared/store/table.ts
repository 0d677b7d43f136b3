/**
 * The one DynamoDB table, declared once: CDK creates it from this (infra/aws), the local runner creates
 * it in dynalite from this (infra/local), and the key module (keys.ts) builds the keys it names.
 */
export const table = {
  /** Resolved from the environment at run time: TABLE_NAME. */
  defaultName: 'budget-performance',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic index attributes, ElectroDB-style: each entity decides what they hold (keys.ts). */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds after which DynamoDB may delete the item (idempotency records). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export type IndexName = (typeof table.indexes)[number]['name'];

export function tableName(): string {
  return process.env.TABLE_NAME ?? table.defaultName;
}
