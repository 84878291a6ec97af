using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Simulation;
using MantisShrimp.Engine.Tests;
using MantisShrimp.Engine.Training;
using Xunit.Abstractions;

namespace MantisShrimp.Host.Tests;

/// <summary>A simulated sky (cutouts, catalog, dust maps), its shards, a model, and a fake cutout server over the cutouts.</summary>
public sealed class ForcedFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public ForcedFixture()
    {
        Catalog = MockUniverse.Simulate(new SimulationOptions(16, 11, _dir.File("sim")) { DustNside = 64 });
        Cutouts = _dir.File("sim/cutouts");
        Dust = _dir.File("sim/dust");
        Ingest.Run(new IngestOptions(Catalog, Cutouts, _dir.File("shards")) { Chunks = 1, Seed = 1 });
        using (var set = ShardSet.Open(_dir.File("shards")))
            Accepted = set.Shards.SelectMany(s =>
                Enumerable.Range(0, s.Count).Select(i => (Split: s.Info.Split, Id: s.Ids[i], s.Header(i).Ra, s.Header(i).Dec))).ToList();
        Model = TestModels.SaveUntrained(_dir.File("m.ckpt"), 4);
        Server = new FakeCutoutServer(Catalog, Cutouts);
    }

    public string Catalog { get; }
    public string Cutouts { get; }
    public string Dust { get; }
    public string Shards => _dir.File("shards");
    public string Model { get; }
    public List<(string Split, string Id, double Ra, double Dec)> Accepted { get; }
    public FakeCutoutServer Server { get; }
    public string File(string name) => _dir.File(name);

    public void Dispose()
    {
        Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}

public class ForcedPhotoZTests(ForcedFixture f, ITestOutputHelper log) : IClassFixture<ForcedFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string[] Row(string csv, string id) =>
        System.IO.File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).First(x => x[0] == id);

    private static string G(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void Predict_offline_equals_score_for_a_simulated_galaxy_and_remote_equals_offline()
    {
        var g = f.Accepted[0];
        using var tmp = new TempDir();
        var local = Run("predict", "--model", f.Model, "--ra", G(g.Ra), "--dec", G(g.Dec), "--name", g.Id, "--cutouts", f.Cutouts,
            "--cache", tmp.File("local-cache"), "--dust", f.Dust,
            "--out", tmp.File("local.csv"), "--device", "cpu", "--png", "-q");
        Assert.True(local.Code == 0, local.Err);
        Assert.True(System.IO.File.Exists(tmp.File($"local_{Engine.Forced.PredictRunner.SafeName(g.Id)}.png"))); // named by the position
        var score = Run("score", "--model", f.Model, "--data", f.Shards, "--split", g.Split, "--out", tmp.File("score.csv"), "--snr", "r",
            "--device", "cpu", "-q");
        Assert.True(score.Code == 0, score.Err);
        var a = Row(tmp.File("local.csv"), g.Id);
        var b = Row(tmp.File("score.csv"), g.Id);
        for (int c = 2; c <= 8; c++) Assert.True(Math.Abs(double.Parse(a[c], CultureInfo.InvariantCulture) - double.Parse(b[c],
            CultureInfo.InvariantCulture)) <= 1e-5, $"column {c}: {a[c]} vs {b[c]}");
        // The target's S/N in r: measured on the cutouts as score measures it on the shards.
        Assert.EndsWith(",calibrated,snr_r,galex_coverage,unwise_coverage,nan_filled",
            System.IO.File.ReadLines(tmp.File("local.csv")).First());
        Assert.EndsWith(",snr_r", System.IO.File.ReadLines(tmp.File("score.csv")).First());
        Assert.Equal(double.Parse(b[^1], CultureInfo.InvariantCulture), double.Parse(a[^4], CultureInfo.InvariantCulture), 3);
        Assert.True(double.Parse(a[^4], CultureInfo.InvariantCulture) > 0);

        // The same position through the (fake) services, with faults on the way: retried, never cached half-written.
        f.Server.Faults.Enqueue(("ps1filenames", FakeCutoutServer.Fault.Error500));
        f.Server.Faults.Enqueue(("fitscut", FakeCutoutServer.Fault.Truncated));
        f.Server.Faults.Enqueue(("fits-cutout", FakeCutoutServer.Fault.Error500));
        string cache = tmp.File("cache");
        string[] remote = ["predict", "--model", f.Model, "--ra", G(g.Ra), "--dec", G(g.Dec), "--name", g.Id, "--ps1-url", f.Server.Ps1Url,
            "--legacy-url", f.Server.LegacyUrl, "--cache", cache, "--retries", "3", "--dust", f.Dust, "--device", "cpu", "-q"];
        var r1 = Run([.. remote, "--out", tmp.File("remote.csv")]);
        Assert.True(r1.Code == 0, r1.Err);
        var remoteRow = Row(tmp.File("remote.csv"), g.Id);
        for (int c = 2; c < a.Length; c++)
            Assert.True(Math.Abs(double.Parse(a[c], CultureInfo.InvariantCulture) - double.Parse(remoteRow[c],
                CultureInfo.InvariantCulture)) <= 1e-5, $"column {c}");
        var cached = Directory.GetFiles(cache, "*", SearchOption.AllDirectories);
        Assert.Equal(7, cached.Length);
        foreach (var file in cached) Engine.Fits.FitsFile.ReadFirstImage(file); // every cache entry parses
        int before = f.Server.Requests.Values.Sum();
        Assert.Equal(0, Run([.. remote, "--out", tmp.File("again.csv")]).Code);
        Assert.Equal(before, f.Server.Requests.Values.Sum()); // all from the cache
    }

    [Fact]
    public void Bad_positions_and_dead_services_are_reported_per_position()
    {
        using var tmp = new TempDir();
        var south = Run("predict", "--model", f.Model, "--ra", "10", "--dec", "-45", "--cutouts", f.Cutouts, "--cache", tmp.File("cache"),
            "--ebv", "0.01,0.01", "--out", tmp.File("s.csv"), "--device", "cpu", "-q");
        Assert.Equal(1, south.Code);
        Assert.Contains("Pan-STARRS footprint", System.IO.File.ReadAllText(tmp.File("s.csv.failures.csv")));
        Assert.Contains("error: target: Dec -45 is outside the Pan-STARRS footprint", south.Err); // one position: its reason on stderr
        var north = Run("predict", "--model", f.Model, "--ra", "10", "--dec", "95", "--cutouts", f.Cutouts, "--cache", tmp.File("cache"),
            "--ebv", "0.01,0.01",
            "--out", tmp.File("d.csv"), "--device", "cpu", "-q");
        Assert.Equal(1, north.Code);
        Assert.Contains("Dec 95 is outside [−90, 90]", north.Err);
        Assert.Equal(1, Run("predict", "--model", f.Model, "--ra", "10", "--dec", "5", "--cutouts", f.Cutouts, "--cache", tmp.File("cache"),
            "--out", tmp.File("n.csv"), "--device", "cpu").Code); // no dust given

        // A positions file: one good, one outside the footprint, one with nothing there; the run finishes and lists the failures.
        var g = f.Accepted[1];
        System.IO.File.WriteAllText(tmp.File("pos.csv"),
            $"name,ra,dec\nok,{G(g.Ra)},{G(g.Dec)}\nsouth,10,-40\nnowhere,200,10\nsouth2,11,-41\n");
        var many = Run("predict", "--model", f.Model, "--positions", tmp.File("pos.csv"), "--cutouts", f.Cutouts, "--cache",
            tmp.File("cache"), "--dust", f.Dust, "--out", tmp.File("many.csv"), "--device", "cpu", "-q");
        Assert.True(many.Code == 0, many.Err);
        Assert.Equal(2, System.IO.File.ReadAllLines(tmp.File("many.csv")).Length);
        var failures = System.IO.File.ReadAllLines(tmp.File("many.csv.failures.csv"));
        Assert.Equal(["name,ra,dec,reason", "south", "nowhere", "south2"], failures.Select((l, i) => i == 0 ? l : l.Split(',')[0]));
        // Failures counted by reason: the two outside the footprint are one reason.
        Assert.Contains("3 position(s) failed, by reason:", many.Err);
        Assert.Matches(@"\s2 × Dec … is outside the Pan-STARRS footprint.*\(e\.g\. south\)", many.Err);
        Assert.Matches(@"\s1 × .*no \*\S+ cutout centred", many.Err);

        // A service that keeps failing: a clear upstream error after the retries, not a hang.
        f.Server.AlwaysFail = true;
        try
        {
            var dead = Run("predict", "--model", f.Model, "--ra", G(g.Ra), "--dec", G(g.Dec), "--ps1-url", f.Server.Ps1Url, "--legacy-url",
                f.Server.LegacyUrl,
                "--cache", tmp.File("cache2"), "--retries", "1", "--dust", f.Dust, "--out", tmp.File("dead.csv"), "--device", "cpu", "-q");
            Assert.Equal(2, dead.Code); // a service failure, not the user's
            Assert.Contains("HTTP 500", System.IO.File.ReadAllText(tmp.File("dead.csv.failures.csv")));
            Assert.Contains("HTTP 500", dead.Err);
            Assert.Empty(Directory.Exists(tmp.File("cache2"))
                ? Directory.GetFiles(tmp.File("cache2"), "*.fits", SearchOption.AllDirectories) : []);
        }
        finally { f.Server.AlwaysFail = false; }

        // A host that does not resolve (DNS): a network failure, exit 2.
        var dns = Run("predict", "--model", f.Model, "--ra", G(g.Ra), "--dec", G(g.Dec), "--ps1-url", "http://mantis-no-such-host.invalid/",
            "--legacy-url", "http://mantis-no-such-host.invalid/", "--cache", tmp.File("cache3"), "--retries", "0", "--dust", f.Dust,
                "--out", tmp.File("dns.csv"), "--device", "cpu", "-q");
        Assert.True(dns.Code == 2, dns.Err);
        Assert.Contains("mantis-no-such-host.invalid", dns.Err);
    }

    [Fact]
    public void Positions_as_people_write_them_give_the_same_prediction_as_degrees()
    {
        using var tmp = new TempDir();
        var g = f.Accepted[2];
        string[] common = ["predict", "--model", f.Model, "--cutouts", f.Cutouts, "--cache", tmp.File("cache"), "--dust", f.Dust,
            "--device", "cpu", "-q"];
        var deg = Run([.. common, "--ra", G(g.Ra), "--dec", G(g.Dec), "--name", "x", "--out", tmp.File("deg.csv")]);
        Assert.True(deg.Code == 0, deg.Err);
        var (ra, dec) = (Hms(g.Ra / 15, ':'), (g.Dec < 0 ? "-" : "+") + Hms(Math.Abs(g.Dec), ':'));
        var sex = Run([.. common, "--ra", ra, "--dec", dec, "--name", "x", "--out", tmp.File("sex.csv")]);
        Assert.True(sex.Code == 0, sex.Err);
        Assert.Equal(Row(tmp.File("deg.csv"), "x")[2..9], Row(tmp.File("sex.csv"), "x")[2..9]); // the same cutouts, the same PDF

        // A positions file with PS1's column names and sexagesimal values; PNGs named by the position's name.
        System.IO.File.WriteAllText(tmp.File("ps1.csv"), $"objName,raMean,decMean\nNGC 1/a,{ra},{dec}\n");
        var file = Run([.. common, "--positions", tmp.File("ps1.csv"), "--png", "--out", tmp.File("ps1.fits")]);
        Assert.True(file.Code == 0, file.Err);
        Assert.True(System.IO.File.Exists(tmp.File("ps1_NGC_1_a.png")), string.Join(", ", Directory.GetFiles(tmp.Path)));
        var rows = Engine.Inference.TableFile.Read(tmp.File("ps1.fits")).ToList();
        Assert.Equal("NGC 1/a", rows[1].Fields[0]);

        // Both ways at once, and an RA that is no angle, are errors that say so (exit 1, no help dump).
        var both = Run([.. common, "--positions", tmp.File("ps1.csv"), "--ra", "10", "--dec", "5", "--out", tmp.File("both.csv")]);
        Assert.Equal(1, both.Code);
        Assert.Contains("not both", both.Err);
        var abc = Run([.. common, "--ra", "abc", "--dec", "5", "--out", tmp.File("abc.csv")]);
        Assert.Equal(1, abc.Code);
        Assert.Contains("--ra 'abc' is not an angle", abc.Err);
        Assert.DoesNotContain("Usage", abc.Err + abc.Out);
        System.IO.File.WriteAllText(tmp.File("bad.csv"), "name,RA,DEC\nok,10,5\nbad,06:71:00,5\n");
        var bad = Run([.. common, "--positions", tmp.File("bad.csv"), "--out", tmp.File("bad.out.csv")]);
        Assert.Equal(1, bad.Code);
        Assert.Contains("bad.csv, line 3: RA '06:71:00': minutes and seconds must be below 60", bad.Err);
    }

    /// <summary>Sexagesimal with enough digits that the angle rounds back to the same double well within a cutout pixel.</summary>
    private static string Hms(double v, char sep)
    {
        int a = (int)v;
        int b = (int)((v - a) * 60);
        double c = ((v - a) * 60 - b) * 60;
        return string.Create(CultureInfo.InvariantCulture, $"{a:00}{sep}{b:00}{sep}{c:00.#########}");
    }

    [Fact]
    public void Fetch_writes_reference_naming_resumes_and_refuses_unsafe_ids()
    {
        using var tmp = new TempDir();
        var (g0, g1) = (f.Accepted[0], f.Accepted[1]);
        System.IO.File.WriteAllText(tmp.File("cat.csv"),
            $"id,ra,dec\n{g0.Id},{G(g0.Ra)},{G(g0.Dec)}\n{g1.Id},{G(g1.Ra)},{G(g1.Dec)}\n../evil,{G(g0.Ra)},{G(g0.Dec)}\n");
        string[] args = ["fetch", "--catalog", tmp.File("cat.csv"), "--out", tmp.File("dl"), "--ps1-url", f.Server.Ps1Url, "--legacy-url",
            f.Server.LegacyUrl, "--cache", tmp.File("cache"), "-q"];
        var first = Run(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("fetched 2", first.Out);
        Assert.Equal(14, Directory.GetFiles(tmp.File("dl"), "*.fits").Length);
        Assert.True(System.IO.File.Exists(Path.Combine(tmp.File("dl"), $"{g0.Id}.Galex.fits")));
        Assert.Contains("../evil", System.IO.File.ReadAllText(Path.Combine(tmp.File("dl"), "fetch_failures.csv")));
        Assert.False(System.IO.File.Exists(tmp.File("evil.g.fits")));
        var second = Run(args);
        Assert.Contains("fetched 0, already there 2", second.Out);
        // The fetched folder ingests like the originals.
        var ingest = Run("ingest", "--catalog", f.Catalog, "--cutouts", tmp.File("dl"), "--out", tmp.File("shards"), "--chunks", "1",
            "--quiet");
        Assert.True(ingest.Code == 0, ingest.Err);
    }

    [Fact]
    public async Task Serve_answers_predict_like_the_cli_and_rejects_bad_input()
    {
        using var tmp = new TempDir();
        var g = f.Accepted[0];
        Assert.Equal(0, Run("predict", "--model", f.Model, "--ra", G(g.Ra), "--dec", G(g.Dec), "--name", g.Id, "--cutouts", f.Cutouts,
            "--cache", tmp.File("cache"), "--dust", f.Dust,
            "--out", tmp.File("cli.csv"), "--device", "cpu", "-q").Code);
        var cli = Row(tmp.File("cli.csv"), g.Id);

        var (_, network) = Checkpoint.Load(f.Model);
        using var service = new Engine.Forced.ForcedPhotoZ(network, TorchSharp.torch.CPU, new Engine.Cutouts.LocalCutoutSource(f.Cutouts),
            Engine.Forced.DustSource.FromMaps(f.Dust));
        await using var app = Web.WebApp.Build(service, "http://127.0.0.1:0", permitsPerMinute: 60_000);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var reply = await http.PostAsJsonAsync("/predict", new Dictionary<string,
            object> { ["NAME"] = "../../etc/passwd", ["RA"] = g.Ra, ["DEC"] = g.Dec });
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var json = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        Assert.Equal("../../etc/passwd", (string?)json["name"]); // a label, nothing else
        foreach (var (key, col) in new[] { ("z_mean", 2), ("z_mode", 3), ("z_std", 4), ("z_lo68", 5), ("z_hi68", 6), ("z_lo90", 7),
            ("z_hi90", 8) })
            Assert.True(Math.Abs((double)json[key]! - double.Parse(cli[col], CultureInfo.InvariantCulture)) <= 1e-5, key);
        Assert.Equal(double.Parse(cli[^4], CultureInfo.InvariantCulture), (double)json["snr_r"]!,
            3); // snr_r, then the coverage and NaN flags
        Assert.True((bool)json["galex_coverage"]! == (cli[^3] == "1") && (bool)json["unwise_coverage"]! == (cli[^2] == "1"));
        Assert.Equal(400, json["bins"]!.AsArray().Count);
        Assert.Equal(1.0, json["pdf"]!.AsArray().Sum(v => (double)v!), 4);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync((string)json["cutouts"]!)).StatusCode);

        // Keys in any case, as people type them: the same answer.
        var lower = await http.PostAsJsonAsync("/predict", new Dictionary<string,
            object> { ["name"] = "x", ["ra"] = g.Ra, ["Dec"] = g.Dec });
        Assert.Equal(HttpStatusCode.OK, lower.StatusCode);
        Assert.Equal((double)json["z_mean"]!, (double)JsonNode.Parse(await lower.Content.ReadAsStringAsync())!["z_mean"]!);
        // /health: no calibration here, and an example position the local cutouts answer.
        var health = JsonNode.Parse(await http.GetStringAsync("/health"))!;
        Assert.False((bool)health["calibration"]!);
        var (exRa, exDec) = ((double)health["example"]!["ra"]!, (double)health["example"]!["dec"]!);
        var example = await http.PostAsJsonAsync("/predict", new Dictionary<string,
            object> { ["NAME"] = "ex", ["RA"] = exRa, ["DEC"] = exDec });
        Assert.Equal(HttpStatusCode.OK, example.StatusCode);

        foreach (var (body, why) in new[] { ("{\"NAME\":\"x\",\"RA\":400,\"DEC\":10}", "RA"),
            ("{\"NAME\":\"x\",\"RA\":\"abc\",\"DEC\":10}", "numbers"),
                     ("{\"NAME\":\"x\",\"DEC\":10}", "numbers"), ("not json", "JSON"), ("{\"RA\":10,\"DEC\":-60}", "footprint") })
        {
            var bad = await http.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(why, await bad.Content.ReadAsStringAsync());
        }
        var huge = await http.PostAsync("/predict",
            new StringContent("{\"NAME\":\"" + new string('x', 40_000) + "\",\"RA\":1,\"DEC\":1}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("ok", await http.GetStringAsync("/health"));
        Assert.Contains("/predict", await http.GetStringAsync("/openapi.json"));
        Assert.Contains("<form", await http.GetStringAsync("/"));

        // Bounded load: 200 requests, 16 at a time, no errors; latencies reported.
        var latencies = new List<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var one = f.Accepted[i % f.Accepted.Count];
            var clock = Stopwatch.StartNew();
            var r = await http.PostAsJsonAsync("/predict", new Dictionary<string,
                object> { ["NAME"] = $"g{i}", ["RA"] = one.Ra, ["DEC"] = one.Dec }, CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            lock (latencies) latencies.Add(clock.Elapsed.TotalMilliseconds);
        });
        latencies.Sort();
        log.WriteLine($"load: 200 requests, 16 concurrent: p50 {latencies[100]:F0} ms, p95 {latencies[190]:F0} ms; {service.Batches} " +
            $"forward passes for {service.Galaxies} galaxies");
        Assert.True(service.Batches < service.Galaxies); // concurrent requests shared forward passes
        await app.StopAsync();
        network.Dispose();
    }

    [Fact]
    public async Task Serve_reports_upstream_failures_as_502()
    {
        using var tmp = new TempDir();
        var (_, network) = Checkpoint.Load(f.Model);
        var options = new Engine.Cutouts.CutoutServiceOptions
        {
            PanStarrsBase = f.Server.Ps1Url, LegacySurveyBase = f.Server.LegacyUrl, Retries = 1, BackoffBase =
                TimeSpan.FromMilliseconds(50), CacheDirectory = tmp.File("cache"),
        };
        await using var remote = await RemoteApp.Start(network, options);
        var (http, app) = (remote.Http, remote.App);
        var g = f.Accepted[2];
        f.Server.AlwaysFail = true;
        try
        {
            var reply = await http.PostAsJsonAsync("/predict", new Dictionary<string,
                object> { ["NAME"] = "x", ["RA"] = g.Ra, ["DEC"] = g.Dec });
            Assert.Equal(HttpStatusCode.BadGateway, reply.StatusCode);
            Assert.Contains("HTTP 500", await reply.Content.ReadAsStringAsync());
        }
        finally { f.Server.AlwaysFail = false; }
        var ok = await http.PostAsJsonAsync("/predict", new Dictionary<string, object> { ["NAME"] = "x", ["RA"] = g.Ra, ["DEC"] = g.Dec });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await app.StopAsync();

        // A service that does not answer in time: 504 with a reason, not a hang.
        var slow = options with { Retries = 0, AttemptTimeout = TimeSpan.FromMilliseconds(500), CacheDirectory = tmp.File("cache2") };
        await using var slowRemote = await RemoteApp.Start(network, slow);
        var (http2, app2) = (slowRemote.Http, slowRemote.App);
        f.Server.Faults.Enqueue(("ps1filenames", FakeCutoutServer.Fault.Slow));
        var late = await http2.PostAsJsonAsync("/predict", new Dictionary<string,
            object> { ["NAME"] = "x", ["RA"] = g.Ra, ["DEC"] = g.Dec });
        Assert.Equal(HttpStatusCode.GatewayTimeout, late.StatusCode);
        Assert.Contains("no complete reply", await late.Content.ReadAsStringAsync());
        await app2.StopAsync();
        network.Dispose();
    }

    [Fact]
    public async Task The_local_index_is_persisted_and_only_changed_files_are_reread()
    {
        using var tmp = new TempDir();
        string index = tmp.File("index.tsv");
        var first = new Engine.Cutouts.LocalCutoutSource(f.Cutouts, index);
        Assert.True(first.Files > 0);
        Assert.Equal(first.Files, first.HeadersRead);
        var second = new Engine.Cutouts.LocalCutoutSource(f.Cutouts, index);
        Assert.Equal(first.Files, second.Files);
        Assert.Equal(0, second.HeadersRead);
        var touched = Directory.GetFiles(f.Cutouts, "*.g.fits")[0];
        System.IO.File.SetLastWriteTimeUtc(touched, DateTime.UtcNow);
        Assert.Equal(1, new Engine.Cutouts.LocalCutoutSource(f.Cutouts, index).HeadersRead);
        var g = f.Accepted[3];
        var files = await second.FilesAsync(Engine.Cutouts.SkyPosition.Checked(g.Ra, g.Dec), "x", default);
        Assert.Equal(7, files.Count);
        Assert.All(files.Values, v => Assert.StartsWith(g.Id + ".", Path.GetFileName(v)));
    }
}

/// <summary>The web app over the (fake) remote cutout services with the given client settings, and what it holds.</summary>
internal sealed class RemoteApp : IAsyncDisposable
{
    private Engine.Cutouts.ResilientHttp _clients = null!;
    private Engine.Forced.ForcedPhotoZ _service = null!;

    public HttpClient Http { get; private set; } = null!;
    public Microsoft.AspNetCore.Builder.WebApplication App { get; private set; } = null!;

    public static async Task<RemoteApp> Start(Engine.Models.PhotoZNetwork network, Engine.Cutouts.CutoutServiceOptions settings)
    {
        var r = new RemoteApp { _clients = new Engine.Cutouts.ResilientHttp(settings) };
        r._service = new Engine.Forced.ForcedPhotoZ(network, TorchSharp.torch.CPU,
            new Engine.Cutouts.RemoteCutoutSource(r._clients, new Engine.Cutouts.CutoutCache(settings.CacheDirectory!)),
                Engine.Forced.DustSource.Fixed(0.02f, 0.02f));
        r.App = Web.WebApp.Build(r._service, "http://127.0.0.1:0");
        await r.App.StartAsync();
        r.Http = new HttpClient { BaseAddress = new Uri(r.App.Urls.First()) };
        return r;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        _service.Dispose();
        _clients.Dispose();
    }
}
