import { describe, expect, it } from 'vitest';
import { EnumValue } from '../../lib/core/enum-value';
import { BasicAuthPermission } from '../../lib/mlflow/basic-auth';
import { SharingHubAlertType, SharingHubLogLevel } from '../../lib/sharinghub/config';

describe('EnumValue', () => {
  it('renders a member as its string, and its subclasses keep their own instanceof', () => {
    expect(BasicAuthPermission.NO_PERMISSIONS.value).toBe('NO_PERMISSIONS');
    expect(`${SharingHubLogLevel.WARNING}`).toBe('WARNING');
    expect(SharingHubAlertType.DANGER.value).toBe('danger');
    expect(BasicAuthPermission.READ).toBeInstanceOf(EnumValue);
    expect(SharingHubLogLevel.INFO as unknown).not.toBeInstanceOf(BasicAuthPermission);
    // Only the class itself creates members (checked by `tsc -p tsconfig.test.json` in npm test).
    // @ts-expect-error the constructor is protected: callers pick a listed member
    void (() => new BasicAuthPermission('ALL'));
  });
});
