using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Data;

namespace MantisShrimp.Host.Commands;

internal static class InspectCommand
{
    public static Command Create(CommandContext ctx)
    {
        var shards = new Argument<string>("shards") { Description = "Shard folder written by ingest." };
        var id = new Option<string>("--id") { Description = "Source id to show.", Required = true };
        var cmd = new Command("inspect",
            "Print one stored source as JSON: split, z and per-band shape, sum, NaN count, min, max (over finite pixels).")
        {
            shards, id,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            using var set = ShardSet.Open(r.GetValue(shards)!);
            var rec = ShardInspector.Inspect(set, r.GetValue(id)!);
            ctx.Out.WriteLine(ToJson(rec).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    internal static JsonObject ToJson(RecordInspection rec)
    {
        var bands = new JsonObject();
        foreach (var (name, s) in rec.Bands)
        {
            bands[name] = new JsonObject
            {
                ["shape"] = new JsonArray(s.Height, s.Width),
                ["sum"] = s.Sum,
                ["nan"] = s.NaN,
                ["min"] = s.Min is { } mn ? JsonValue.Create((double)mn) : null,
                ["max"] = s.Max is { } mx ? JsonValue.Create((double)mx) : null,
            };
        }
        var zps = new JsonObject();
        foreach (var (k, v) in rec.ZeroPoints) zps[k] = Math.Round((double)v, 5);
        return new JsonObject
        {
            ["id"] = rec.Id,
            ["split"] = rec.Split,
            ["z"] = Math.Round(rec.Z, 7),
            ["ra"] = rec.Ra,
            ["dec"] = rec.Dec,
            ["ebv_csfd"] = Math.Round(rec.EbvCsfd, 7),
            ["ebv_planck"] = Math.Round(rec.EbvPlanck, 7),
            ["chunk"] = rec.Chunk,
            ["slot"] = rec.Slot,
            ["flags"] = rec.Flags.ToString(),
            ["zero_points_ab"] = zps,
            ["bands"] = bands,
        };
    }
}
