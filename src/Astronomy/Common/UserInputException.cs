namespace MantisShrimp.Engine.Common;

/// <summary>
/// The user's input (a file, a row, a field, an option) is wrong. The Host reports the message and exits
/// with code 1; anything else that escapes is a failure (exit code 2).
/// </summary>
public sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
