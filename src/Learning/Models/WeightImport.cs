namespace MantisShrimp.Engine.Models;

/// <summary>What an import did: tensors copied, stems adapted to another channel count, and keys left out on either side.</summary>
public sealed record WeightImport(string Layout, int Copied, IReadOnlyList<string> Adapted, IReadOnlyList<string> Ignored,
    IReadOnlyList<string> KeptInitial);
