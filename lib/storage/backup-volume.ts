import { k8s } from '../core/k8s';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE } from '../core/labels';
import { Workload } from '../core/workload';
import { BackupDestination } from './backup';

/**
 * The PVC of a volume {@link BackupDestination}, named `<workload>`, and the pod volume for it.
 * @internal
 */
export function renderBackupVolume(w: Workload, dest: BackupDestination): k8s.Volume {
  const v = dest.volumeProps!;
  new k8s.KubePersistentVolumeClaim(w, 'Volume', {
    metadata: { name: w.workloadName, labels: w.labels, annotations: { [ARGOCD_SYNC_OPTIONS]: KEEP_ON_DELETE } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
      resources: { requests: { storage: k8s.Quantity.fromString(v.size) } },
    },
  });
  return { name: 'backup', persistentVolumeClaim: { claimName: w.workloadName } };
}
