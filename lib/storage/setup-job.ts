/** What every setup Job (`BucketSetup`, `DatabaseSetup`, `MysqlDatabaseSetup`) is named and labelled by. */
export interface SetupJobProps {
  /**
   * The Job and ServiceAccount name.
   * @default "<first bucket or database>-bucket-setup" or "-db-setup", with "." and "_" as "-"
   */
  readonly name?: string;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
}

/**
 * The instance name of a setup Job: `props.name`, else `<first>-<suffix>` with "." and "_" as "-"
 * (`mlflow_db` becomes `mlflow-db-db-setup`).
 * @internal
 */
export function setupJobName(props: SetupJobProps, first: string, suffix: string): string {
  return props.name ?? `${first.replace(/[._]/g, '-')}-${suffix}`;
}
