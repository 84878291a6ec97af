namespace MantisShrimp.Engine.Data;

/// <summary>
/// The manifest's name of a <see cref="ShardRecordHeader"/> field (<c>record_layout.header_fields</c>); its offset and type
/// are read from the struct itself (<see cref="ShardLayout.HeaderFields"/>), so the published layout cannot drift from it.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ShardFieldAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
