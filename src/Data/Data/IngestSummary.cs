namespace MantisShrimp.Engine.Data;

public sealed record IngestSummary(ShardManifest Manifest, bool AlreadyComplete, long Accepted, long Rejected);
