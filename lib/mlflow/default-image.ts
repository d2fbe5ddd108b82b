/**
 * The default MLflow image: MLflow with psycopg2, PyMySQL, boto3 and `mlflow[auth]` (the image the
 * community-charts chart uses). TrackingServer.DEFAULT_IMAGE, and basic auth's default image.
 */
export const MLFLOW_DEFAULT_IMAGE = 'burakince/mlflow:3.14.0';
