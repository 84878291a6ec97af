namespace MantisShrimp.Engine.Data;

/// <summary>A sample is not usable: the reason goes to rejects.csv.</summary>
public sealed class SampleRejectedException(string reason, Exception? inner = null) : Exception(reason, inner);
