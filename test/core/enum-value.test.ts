import { describe, expect, it } from 'vitest';
import { EnumValue, isEnumMember } from '../../lib/core/enum-value';
import { checkInstance } from '../../lib/core/validate';
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

  it('accepts only the members a class lists: an instance of a subclass is refused where the class is expected', () => {
    class Admin extends BasicAuthPermission {
      public static readonly ALL = new Admin('ALL');
    }
    expect(isEnumMember(BasicAuthPermission, BasicAuthPermission.MANAGE)).toBe(true);
    expect(isEnumMember(BasicAuthPermission, Admin.ALL)).toBe(false);
    expect(isEnumMember(BasicAuthPermission, 'READ')).toBe(false);
    expect(() => checkInstance('test', 'auth.defaultPermission', Admin.ALL, BasicAuthPermission, 'a BasicAuthPermission', 'pass BasicAuthPermission.READ'))
      .toThrowError(/^test: auth\.defaultPermission must be a BasicAuthPermission, got .*\. Fix: pass BasicAuthPermission\.READ$/);
    expect(checkInstance('test', 'p', SharingHubLogLevel.DEBUG, SharingHubLogLevel, 'a SharingHubLogLevel', 'pass SharingHubLogLevel.INFO')).toBe(SharingHubLogLevel.DEBUG);
  });
});
