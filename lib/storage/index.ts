// The public API of lib/storage: named exports only; internal helpers are imported by deep path.
export { DatabaseEngine, Database } from './database';
export type { IDatabase, ExistingDatabaseProps } from './database';
export { ObjectStore } from './object-store';
export type { S3Credentials, IObjectStore, IBucket, ExistingObjectStoreProps } from './object-store';
export { BackupDestination } from './backup';
export type { BackupOptions } from './backup';
export { Postgres } from './postgres';
export type { PostgresDatabaseProps, PostgresProps } from './postgres';
export { PostgresBackup } from './postgres-backup';
export type { PostgresBackupProps } from './postgres-backup';
export { MinioTopology, Minio } from './minio';
export type { MinioProps } from './minio';
export { MinioUser } from './minio-user';
export type { MinioUserProps, MinioUserOfStoreProps, MinioUserScope } from './minio-user';
export { MinioBackup } from './minio-backup';
export type { MinioBackupOptions, MinioBackupProps } from './minio-backup';
