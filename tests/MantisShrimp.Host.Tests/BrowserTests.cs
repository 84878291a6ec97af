using System.Globalization;
using MantisShrimp.Engine.Cutouts;
using MantisShrimp.Engine.Forced;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Training;
using Microsoft.Playwright;

namespace MantisShrimp.Host.Tests;

/// <summary>
/// The web page end to end in headless Chromium (Debian's <c>chromium</c>, installed by build.sh; Playwright drives it
/// through <c>ExecutablePath</c> — there is no browser download here): enter a coordinate, see the summary, the
/// cutouts and the PDF plot.
/// </summary>
public class BrowserTests(ForcedFixture f) : IClassFixture<ForcedFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Entering_a_coordinate_shows_the_plot_and_the_summary()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} not found: build.sh installs Debian's chromium");
        var (_, network) = Checkpoint.Load(f.Model);
        using var service = new ForcedPhotoZ(network, TorchSharp.torch.CPU, new LocalCutoutSource(f.Cutouts), DustSource.FromMaps(f.Dust));
        await using var app = Web.WebApp.Build(service, "http://127.0.0.1:0");
        await app.StartAsync();
        string url = app.Urls.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(url);
        var g = f.Accepted[0];
        await page.FillAsync("#ra", g.Ra.ToString("R", CultureInfo.InvariantCulture));
        await page.FillAsync("#dec", g.Dec.ToString("R", CultureInfo.InvariantCulture));
        await page.ClickAsync("#go");
        await page.WaitForSelectorAsync("canvas#plot[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        string zMean = await page.InnerTextAsync("#z_mean");
        var expected = await service.PredictAsync("x", g.Ra, g.Dec, false);
        Assert.Equal(expected.Summary.Mean, double.Parse(zMean, CultureInfo.InvariantCulture), 3);
        // The cutout mosaic loaded (natural width > 0).
        await page.WaitForFunctionAsync("() => document.getElementById('cutouts').complete && " +
            "document.getElementById('cutouts').naturalWidth > 0");
        Assert.Equal("", await page.InnerTextAsync("#error"));
        Assert.False(await page.IsVisibleAsync("#calibrate-label")); // this server has no calibration
        string permalink = await page.InnerTextAsync("#permalink");
        Assert.Contains("?ra=", permalink);

        // The permalink predicts on load; the example link is one the cutouts can answer.
        var again = await browser.NewPageAsync();
        await again.GotoAsync(permalink);
        await again.WaitForSelectorAsync("canvas#plot[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(zMean, await again.InnerTextAsync("#z_mean"));
        await again.WaitForSelectorAsync("#example-line:not([hidden])");
        await again.ClickAsync("#example");
        await again.WaitForSelectorAsync("canvas#plot[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal("", await again.InnerTextAsync("#error"));

        // A bad coordinate shows the server's reason on the page.
        await page.FillAsync("#dec", "-70");
        await page.ClickAsync("#go");
        await page.WaitForFunctionAsync("() => document.getElementById('error').textContent.length > 0");
        Assert.Contains("footprint", await page.InnerTextAsync("#error"));
        await app.StopAsync();
        network.Dispose();
    }
}
