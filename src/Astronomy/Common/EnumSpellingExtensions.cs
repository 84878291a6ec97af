namespace MantisShrimp.Engine.Common;

/// <summary><c>value.Spelling()</c> for <see cref="EnumSpelling{T}.Of"/>.</summary>
public static class EnumSpellingExtensions
{
    public static string Spelling<T>(this T value) where T : struct, Enum => EnumSpelling<T>.Of(value);
}
