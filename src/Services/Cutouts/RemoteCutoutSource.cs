using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Cutouts;

/// <summary>
/// Cutouts from the services (PS1 ps1filenames.py + fitscut.cgi, Legacy Surveys fits-cutout), through the on-disk
/// cache: a position whose 7 files are cached costs no request.
/// </summary>
public sealed class RemoteCutoutSource : ICutoutSource
{
    private readonly PanStarrsClient _ps1;
    private readonly LegacySurveyClient _legacy;
    private readonly CutoutCache _cache;

    public RemoteCutoutSource(ResilientHttp http, CutoutCache cache)
    {
        _ps1 = new PanStarrsClient(http);
        _legacy = new LegacySurveyClient(http);
        _cache = cache;
    }

    public async Task<CutoutSample> GetAsync(SkyPosition position, CancellationToken cancel, bool allowNan = false) =>
        SampleFiles.Load(await FilesAsync(position, SampleFiles.Target, cancel), position, allowNan);

    public async Task<SampleFlags> LoadIntoAsync(SkyPosition position, float[] pixels, float[] zeroPoints, CancellationToken cancel,
        bool allowNan = false) =>
        SampleFiles.LoadInto(await FilesAsync(position, SampleFiles.Target, cancel), position, allowNan, pixels, zeroPoints);

    public async Task<IReadOnlyDictionary<string, string>> FilesAsync(SkyPosition position, string name, CancellationToken cancel)
    {
        var files = new Dictionary<string, string>();
        var tasks = new List<Task>();
        foreach (var survey in BandTable.AllSurveys)
        {
            switch (survey.Service)
            {
                case CutoutService.PanStarrsFitscut:
                    var ps1 = survey.Bands;
                    bool allPs1Cached = ps1.All(b => _cache.TryGet("ps1", b.Name, position, PanStarrsClient.Size, out _));
                    Dictionary<string, string>? names = allPs1Cached ? null : await _ps1.FileNamesAsync(position, cancel);
                    foreach (var band in ps1)
                        tasks.Add(Fetch("ps1", band.Name, PanStarrsClient.Size, band.FileName(name),
                            () => _ps1.CutoutAsync(position, names![band.Name], cancel)));
                    break;
                case CutoutService.LegacySurveysViewer:
                    tasks.Add(Fetch("legacy", LegacySurveyClient.Layer(survey), survey.NativeSize, survey.Bands[0].FileName(name),
                        () => _legacy.CutoutAsync(position, survey, cancel), true));
                    break;
                default:
                    throw new InvalidOperationException($"{survey.Name}: no client for {survey.Service}");
            }
        }
        await Task.WhenAll(tasks);
        return files;

        // The viewer answers 404 where a layer has no coverage: that survey is left out (read as zeros), not a failure.
        async Task Fetch(string survey, string band, int size, string fileName, Func<Task<byte[]>> download, bool mayBeUncovered = false)
        {
            if (!_cache.TryGet(survey, band, position, size, out var path))
            {
                byte[] body;
                try { body = await download(); }
                catch (UpstreamException e) when (mayBeUncovered && e.StatusCode == 404) { return; }
                path = _cache.Put(survey, band, position, size, body);
            }
            lock (files) files[fileName] = path;
        }
    }
}
