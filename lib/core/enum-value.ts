/**
 * The base of enum-like classes whose members render as one string (`BasicAuthPermission.READ`,
 * `SharingHubLogLevel.INFO`): a subclass lists its members as static instances, and nothing else
 * can construct one, so an `instanceof` check accepts exactly the listed values.
 */
export abstract class EnumValue<T extends string = string> {
  protected constructor(public readonly value: T) {}

  public toString(): string {
    return this.value;
  }
}
