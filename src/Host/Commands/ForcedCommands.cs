using System.CommandLine;
using MantisShrimp.Engine.Calibration;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Compute;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Forced;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using TorchSharp;

namespace MantisShrimp.Host.Commands;

/// <summary>Options that say where cutouts come from (a local folder, or the services through a cache) and where E(B−V) comes
/// from.</summary>
internal sealed class SourceOptions
{
    public readonly Option<string?> Cutouts =
        new("--cutouts") { Description = "A folder of cutouts in reference naming (offline; indexed by WCS centre)." };
    // No DefaultValueFactory: the default is under the user's home, and help would print this machine's path.
    public readonly Option<string?> Cache = new("--cache")
    {
        Description = "Cache folder for downloaded cutouts (only FITS that parsed are kept; default: ~/.cache/mantis/cutouts).",
    };
    public readonly Option<string> Ps1Url =
        new("--ps1-url") { Description = "Base URL of PS1's image services.", DefaultValueFactory =
        _ => new CutoutServiceOptions().PanStarrsBase };
    public readonly Option<string> LegacyUrl =
        new("--legacy-url") { Description = "Base URL of the Legacy Surveys viewer.", DefaultValueFactory =
        _ => new CutoutServiceOptions().LegacySurveyBase };
    public readonly Option<double> Timeout =
        new Option<double>("--timeout") { Description = "Seconds allowed per request attempt (1 to 3600).", DefaultValueFactory =
        _ => 60 }.Within(1, 3600);
    public readonly Option<int> Retries =
        new Option<int>("--retries") { Description = "Retries per request (exponential backoff with jitter).", DefaultValueFactory =
        _ => 4 }.AtLeast(0);

    private string CacheDir(ParseResult r) => r.GetValue(Cache) ?? DefaultCache();

    private static string DefaultCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mantis", "cutouts");

    public void AddTo(Command c)
    {
        c.Options.Add(Cutouts);
        c.Options.Add(Cache);
        c.Options.Add(Ps1Url);
        c.Options.Add(LegacyUrl);
        c.Options.Add(Timeout);
        c.Options.Add(Retries);
    }

    public (ICutoutSource Source, IDisposable? Http) Build(ParseResult r, TextWriter log, IProgressReporter? progress = null)
    {
        if (r.GetValue(Cutouts) is { } dir)
        {
            // The folder's index lives in the cache (the data folder may be read-only), one file per folder.
            string key = Convert.ToHexString(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dir))))[..16];
            var local = new LocalCutoutSource(dir, Path.Combine(CacheDir(r), "local-index", key + ".tsv"), progress);
            if (!local.Skipped.IsEmpty)
                log.WriteLine($"warning: {local.Skipped.Count} file(s) in {dir} could not be indexed, e.g. {local.Skipped.First()}");
            return (local, null);
        }
        var options = new CutoutServiceOptions
        {
            PanStarrsBase = WithSlash(r.GetValue(Ps1Url)!), LegacySurveyBase = WithSlash(r.GetValue(LegacyUrl)!),
            AttemptTimeout = TimeSpan.FromSeconds(r.GetValue(Timeout)), Retries = r.GetValue(Retries), CacheDirectory = CacheDir(r),
        };
        var http = new ResilientHttp(options);
        return (new RemoteCutoutSource(http, new CutoutCache(options.CacheDirectory!)), http);
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";
}

internal static class ForcedSetup
{
    public static readonly Func<Option<string?>> Dust =
        () => new("--dust") { Description = "Folder with csfd_ebv.fits and HFI_CompMap_ThermalDustModel_2048_R1.20.fits." };
    public static readonly Func<Option<string?>> Ebv =
        () => new("--ebv") { Description = "Fixed E(B−V) values CSFD,PLANCK instead of the maps." };

    public static DustSource DustFrom(string? dust, string? ebv) =>
        ebv is not null ? DustSource.Parse(ebv)
        : dust is not null ? DustSource.FromMaps(dust)
        : throw new UserInputException("E(B−V) is needed: --dust DIR (the two HEALPix maps) or --ebv CSFD,PLANCK");

    public static ForcedPhotoZ Service(string model, string device, ICutoutSource source, DustSource dust, string? calibration,
        out IDisposable resources,
        InferencePrecision precision = InferencePrecision.Fp32)
    {
        var d = TorchDevice.Resolve(device);
        var (_, network) = Checkpoint.Load(model);
        network.to(d);
        network.UsePrecision(precision, d);
        var calib = calibration is null ? null : Recalibrators.Load(calibration);
        var service = new ForcedPhotoZ(network, d, source, dust, calib);
        resources = new Disposables(service, network, calib);
        return service;
    }

    private sealed class Disposables(params IDisposable?[] items) : IDisposable
    {
        public void Dispose() { foreach (var i in items) i?.Dispose(); }
    }
}

internal static class PredictCommand
{
    // Long by design: one declaration per option, then a short action (System.CommandLine builder style).
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint.");
        var ra = new Option<string?>("--ra") { Description =
            "Right ascension (ICRS): decimal degrees (100.29625) or hours (06:41:11.1, 6h41m11.1s)." };
        var dec = new Option<string?>("--dec") { Description =
            "Declination (ICRS): decimal degrees (0.9333) or sexagesimal (+00:56:00, +00d56m00s)." };
        var name = new Option<string>("--name") { Description = "A label for the position (never a path).", DefaultValueFactory =
            _ => "target" };
        var positions = new Option<string?>("--positions")
        {
            Description = "CSV of positions: ra/dec (or RA/DEC, raMean/decMean, RAJ2000/DEJ2000), optional name or id; degrees or " +
                "sexagesimal; resumable.",
        };
        var output = SharedOptions.TableOut("Output table",
            $". Columns: {string.Join(", ", Engine.Inference.PdfColumns.Leading.Concat(PredictRunner.Extra))} (id: the position's name, " +
                $"z_spec empty; "
            + "+ p_000 … p_399 with --pdf; galex_coverage / unwise_coverage 0: no cutout there, predicted with zeros; "
            + "nan_filled 1: --allow-nan filled a PS1 band over the NaN rule)");
        var pdf = new Option<bool>("--pdf") { Description = "Also write p_000 … p_399." };
        var png = new Option<bool>("--png")
        {
            Description = "Per position: OUT_{name}.png (the position's name, sanitised), the 9 labelled cutouts above the PDF (the " +
                "reference's figure).",
        };
        var calibration = new Option<string?>("--calibration") { Description = "A mantis calibrate folder: recalibrate the PDFs." };
        var threads = SharedOptions.Threads("libtorch threads, input-transform threads and FITS decoders (×4 decoders for the " +
            "services); results depend on the libtorch count: pin it to reproduce or resume a run on a machine with another core count");
        var batchSize = new Option<int>("--batch-size") { Description = "Galaxies per forward pass.", DefaultValueFactory =
            _ => 32 }.AtLeast(1);
        var allowNan = new Option<bool>("--allow-nan")
        {
            Description = "Predict positions whose PS1 bands break the 1% NaN rule (refused by default, as training did), the NaNs " +
                "filled as the model card says; nan_filled = 1 marks them.",
        };
        var noSnr = new Option<bool>("--no-snr")
        {
            Description = "Leave snr_r empty: no source extraction for the target's S/N in r, the largest cost per position after the " +
                "network (docs/forced-photoz.md, Throughput); with --calibration it is measured anyway.",
        };
        var dust = ForcedSetup.Dust();
        var ebv = ForcedSetup.Ebv();
        var device = SharedOptions.Device();
        var precision = SharedOptions.Precision();
        var quiet = SharedOptions.Quiet();
        var sources = new SourceOptions();
        var cmd = new Command("predict", "Forced photo-z at sky positions: cutouts (services or --cutouts DIR), E(B−V) from the dust " +
            "maps, the network, the PDF summary.")
        {
            model, ra, dec, name, positions, output, pdf, png, calibration, threads, batchSize, allowNan, noSnr, dust, ebv, device,
                precision, quiet,
        };
        sources.AddTo(cmd);
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var list = Positions(r.GetValue(positions), r.GetValue(ra), r.GetValue(dec), r.GetValue(name)!);
            var dustSource = ForcedSetup.DustFrom(r.GetValue(dust), r.GetValue(ebv));
            var progress = ctx.Progress(r.GetValue(quiet));
            var (source, http) = sources.Build(r, ctx.Error, progress); // a first index of a large --cutouts folder shows progress
            using var _ = http;
            using var service = ForcedSetup.Service(r.GetValue(model)!, r.GetValue(device)!, source, dustSource, r.GetValue(calibration),
                out var resources,
                SharedOptions.PrecisionOf(r, precision));
            using (resources)
            {
                var meta = new Engine.Inference.TableMeta(Path.GetFullPath(r.GetValue(model)!),
                    Checkpoint.ReadState(r.GetValue(model)!).Options.Seed,
                    "training seed of the model");
                var stream = new ForcedPipelineOptions
                {
                    Threads = SharedOptions.ThreadCount(r.GetValue(threads)), BatchSize = r.GetValue(batchSize), AllowNan =
                        r.GetValue(allowNan), SignalToNoise = !r.GetValue(noSnr),
                };
                var outcome = PredictRunner.Run(service, list, r.GetValue(output)!, r.GetValue(calibration) is not null, r.GetValue(pdf),
                    r.GetValue(png),
                    meta, progress, stream, cancel);
                var (ok, failed) = outcome;
                ctx.Out.WriteLine($"predicted {ok} position(s) → {r.GetValue(output)}"
                    + (failed > 0 ? $"; {failed} failed → {r.GetValue(output)}.failures.csv" : ""));
                ExplainFailures(outcome, list.Count, ctx.Error);
                // Nothing predicted: a service or network failure (retry later) is 2, bad positions alone are 1.
                if (failed == 0 || ok > 0) return ExitCodes.Ok;
                return outcome.Failures.Any(f => f.Service) ? ExitCodes.Failure : ExitCodes.UserError;
            }
        }));
        return cmd;
    }

    /// <summary>--positions FILE, or --ra and --dec (degrees or sexagesimal) for one position; both together is an error.</summary>
    internal static List<NamedPosition> Positions(string? file, string? ra, string? dec, string name)
    {
        if (file is not null && (ra is not null || dec is not null))
            throw new UserInputException("give either --positions FILE or --ra and --dec, not both");
        if (file is not null) return PredictRunner.ReadPositions(file);
        if (ra is null || dec is null) throw new UserInputException($"give --ra and --dec (missing {(ra is null ? "--ra" : "--dec")}), " +
            $"or --positions FILE.csv");
        return [new NamedPosition(name, Engine.Sky.Coordinates.ParseRa(ra, "--ra"), Engine.Sky.Coordinates.ParseDec(dec, "--dec"))];
    }

    /// <summary>On stderr: the reason of a single position's failure, or the failures of a file counted by reason.</summary>
    internal static void ExplainFailures(PredictOutcome outcome, int positions, TextWriter error)
    {
        if (outcome.Failures.Count == 0) return;
        if (positions == 1)
        {
            error.WriteLine($"error: {outcome.Failures[0].Reason}");
            return;
        }
        error.WriteLine($"{outcome.Failures.Count} position(s) failed, by reason:");
        foreach (var (reason, count, example) in outcome.ByReason().Take(10))
            error.WriteLine($"  {count,6} × {reason}" + (count > 1 ? $"  (e.g. {example.Name})" : ""));
        if (outcome.ByReason().Count > 10) error.WriteLine("  … (every failure with its reason is in the .failures.csv)");
    }
}

internal static class FetchCommand
{
    public static Command Create(CommandContext ctx)
    {
        var catalog = new Option<string>("--catalog") { Description = "CSV with id (or name), ra, dec — e.g. compile-catalog's output.",
            Required = true };
        var output = SharedOptions.Out("Folder for the cutouts in reference naming (then mantis ingest --cutouts).");
        var quiet = SharedOptions.Quiet();
        var sources = new SourceOptions();
        var cmd = new Command("fetch", "Download every catalog object's 7 cutout files (PS1 grizy, GALEX, unWISE) in reference naming; " +
            "resumable; failures per object.")
        {
            catalog, output, quiet,
        };
        sources.AddTo(cmd);
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var progress = ctx.Progress(r.GetValue(quiet));
            var (source, http) = sources.Build(r, ctx.Error, progress);
            using var _ = http;
            var (fetched, skipped, failed) = FetchRunner.Run(source, r.GetValue(catalog)!, r.GetValue(output)!, progress, cancel);
            ctx.Out.WriteLine($"fetched {fetched}, already there {skipped}, failed {failed} (listed in " +
                $"{Path.Combine(r.GetValue(output)!, FetchRunner.Failures)})");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

internal static class ServeCommand
{
    // Long by design: one declaration per option, then a short action (System.CommandLine builder style).
    public static Command Create(CommandContext ctx)
    {
        var model = SharedOptions.Model("Checkpoint.");
        var port = new Option<int>("--port") { Description = "TCP port.", DefaultValueFactory = _ => 5000 }.AtLeast(0);
        var host = new Option<string>("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var calibration = new Option<string?>("--calibration") { Description =
            "A mantis calibrate folder (the page's and the API's CALIBRATE toggle)." };
        var defaults = new Web.WebOptions();
        var rate = new Option<int>("--rate-limit")
        {
            Description = "POST /predict requests per minute per client address.", DefaultValueFactory = _ => defaults.PermitsPerMinute,
        }.AtLeast(1);
        var pageRate = new Option<int>("--page-rate-limit")
        {
            Description = "GET requests (page, cutouts, OpenAPI) per minute per client address; /health is not limited.",
            DefaultValueFactory = _ => defaults.PagePermitsPerMinute,
        }.AtLeast(1);
        var cacheMb = new Option<int>("--cutout-cache-mb")
        {
            Description = "Memory for the cutouts of recent results (the page's mosaics), in MiB.",
            DefaultValueFactory = _ => (int)(defaults.CutoutCacheBytes >> 20),
        }.AtLeast(0);
        var dust = ForcedSetup.Dust();
        var ebv = ForcedSetup.Ebv();
        var device = SharedOptions.Device();
        var sources = new SourceOptions();
        var cmd = new Command("serve", "The web app and JSON API: POST /predict {\"NAME\",\"RA\",\"DEC\"}, GET / (page), /health, " +
            "/openapi.json.")
        {
            model, port, host, calibration, rate, pageRate, cacheMb, dust, ebv, device,
        };
        sources.AddTo(cmd);
        cmd.SetAction(r => ctx.Guard(cancel =>
        {
            var dustSource = ForcedSetup.DustFrom(r.GetValue(dust), r.GetValue(ebv));
            var (source, http) = sources.Build(r, ctx.Error, ctx.Progress(quiet: false));
            using var _ = http;
            using var service = ForcedSetup.Service(r.GetValue(model)!, r.GetValue(device)!, source, dustSource, r.GetValue(calibration),
                out var resources);
            using (resources)
            {
                string url = $"http://{r.GetValue(host)}:{r.GetValue(port)}";
                var options = new Web.WebOptions
                {
                    PermitsPerMinute = r.GetValue(rate), PagePermitsPerMinute = r.GetValue(pageRate),
                    CutoutCacheBytes = (long)r.GetValue(cacheMb) << 20,
                };
                using var app = Web.WebApp.Build(service, url, options);
                app.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
                ctx.Out.WriteLine($"serving on {url} (Ctrl+C or SIGTERM to stop)");
                ctx.Out.Flush();
                // SIGTERM (kill, docker stop, systemd) and SIGINT stop the host (its console lifetime); Ctrl+C also
                // cancels the command. Either way: stop taking requests, let those in flight finish, exit 0.
                WaitHandle.WaitAny([cancel.WaitHandle, app.Lifetime.ApplicationStopping.WaitHandle]);
                app.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                ctx.Out.WriteLine("stopped");
                return ExitCodes.Ok;
            }
        }));
        return cmd;
    }
}
