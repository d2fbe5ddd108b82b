/**
 * The base of enum-like classes whose members render as one string (`BasicAuthPermission.READ`,
 * `SharingHubLogLevel.INFO`): a subclass lists its members as static instances, and callers cannot
 * construct one (the constructor is protected). Accept a member with {@link EnumValue.isMember}, which also
 * refuses an instance of a subclass that TypeScript would let someone write.
 */
export abstract class EnumValue<T extends string = string> {
  /** Whether `value` is one of the members `type` lists as its own static fields. */
  public static isMember(type: { readonly prototype: EnumValue }, value: unknown): boolean {
    return isEnumMember(type, value);
  }

  protected constructor(public readonly value: T) {}

  public toString(): string {
    return this.value;
  }
}

/** Whether `value` is one of the members `type` lists as its own static fields. */
export function isEnumMember(type: { readonly prototype: EnumValue }, value: unknown): boolean {
  return value instanceof EnumValue && Object.values(type).includes(value);
}
