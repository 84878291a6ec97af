namespace MantisShrimp.Engine.Data;

public sealed record RecordInspection(string Id, string Split, int Chunk, int Slot, double Z, double Ra, double Dec,
    double EbvCsfd, double EbvPlanck, SampleFlags Flags, IReadOnlyDictionary<string, float> ZeroPoints,
    IReadOnlyList<(string Band, BandStatistics Stats)> Bands);
