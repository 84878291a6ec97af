using System.Reflection;
using System.Text.Json.Serialization;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// How an enum value is spelled in files and on the command line: its <see cref="JsonStringEnumMemberNameAttribute"/>
/// name, else its C# name. JSON (through <see cref="JsonStringEnumConverter{TEnum}"/>), help, messages and parsing read
/// the same attribute, so a value has one spelling everywhere.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000",
    Justification = "A table per enum type: callers name the enum (EnumSpelling<NetworkArch>.Parse); there is no instance to infer T " +
        "from.")]
public static class EnumSpelling<T> where T : struct, Enum
{
    private static readonly (T Value, string Name)[] Table = [.. Enum.GetValues<T>().Select(v =>
        (v, typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString()))];

    /// <summary>Every spelling, in declaration order.</summary>
    public static string[] Names { get; } = [.. Table.Select(t => t.Name)];

    public static string Of(T value)
    {
        foreach (var (v, name) in Table)
            if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(T).Name}");
    }

    /// <summary>The value spelled <paramref name="text"/> (exactly); otherwise an error naming <paramref name="what"/> (an option or
    /// field).</summary>
    public static T Parse(string text, string what)
    {
        foreach (var (v, name) in Table)
            if (name == text) return v;
        throw new UserInputException($"{what} must be one of {string.Join(", ", Names)} (got '{text}')");
    }
}
