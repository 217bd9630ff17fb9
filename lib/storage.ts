import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LISTING_ATTRIBUTES, TABLE_KEYS } from '../functions/contracts/table-schema';

export interface StorageProps {
  /**
   * What happens to the table when it leaves the stack. DESTROY is refused unless `allowDestroy` is set, so that
   * only a development stage can lose its data.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Set by the development stage only: permits `removalPolicy: DESTROY`.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * DynamoDB's deletion protection: the table cannot be deleted, by CloudFormation or anyone else, until it is turned
   * off. Not allowed with `removalPolicy: DESTROY`, which it would defeat.
   * @default - on unless the removal policy is DESTROY
   */
  readonly deletionProtection?: boolean;
}

/**
 * The one DynamoDB table, exactly as functions/contracts/table-schema.ts describes it (the local runtime creates the
 * same table from the same constants).
 */
export class Storage extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy === RemovalPolicy.DESTROY && props.allowDestroy !== true) {
      throw new Error('Storage: removalPolicy DESTROY is only allowed for a development stage (allowDestroy: true)');
    }
    const deletionProtection = props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY;
    if (deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      throw new Error('Storage: deletionProtection and removalPolicy DESTROY contradict each other');
    }
    const { partitionKey, sortKey, byTimeIndex, bySourceIndex } = TABLE_KEYS;
    const table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // The AWS managed key (aws/dynamodb): a customer managed one would need kms grants on every role that reads or
      // writes the table, which table.grant does not add.
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      deletionProtection,
      removalPolicy,
    });
    for (const index of [byTimeIndex, bySourceIndex]) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...LISTING_ATTRIBUTES],
      });
    }
    this.table = table;
  }
}
