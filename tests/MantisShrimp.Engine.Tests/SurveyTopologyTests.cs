using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// Issue 20 item 2: the survey topology (service, no-coverage rule, encoder name, stem patch, band index within a
/// survey) lives in the survey table and the late-fusion encoders are built from it. The expected values here are
/// the paper's architecture and the published checkpoints' key names, written out, not read from the table.
/// </summary>
public class SurveyTopologyTests
{
    private static LateFusionNet Late(BandSet bands = BandSet.All) =>
        (LateFusionNet)PhotoZNetwork.Create(new NetworkConfig { Arch = NetworkArch.Late, Backbone = ConvNeXtSpec.Demo.Name, HeadWidth = 16,
            Bands = bands });

    [Fact]
    public void Late_fusion_encoders_keep_the_checkpoint_key_names_stems_and_order()
    {
        using var net = Late();
        var keys = net.state_dict().Keys.ToList();
        // State-dict prefixes in registration order: galex, ps1, unwise, then the head (exported .pth order).
        var prefixes = keys.Select(k => k[..k.IndexOf('.')]).Distinct().ToArray();
        Assert.Equal(["galex", "ps1", "unwise", "head"], prefixes);
        var sd = net.state_dict();
        long dims = ConvNeXtSpec.Demo.Dims[0];
        // The paper's encoders: GALEX 2 bands, PS1 5, unWISE 2; 22×22 crops take a 1×1 stem, PS1 the 4×4 patchify stem.
        Assert.Equal(new long[] { dims, 2, 1, 1 }, sd["galex.stem.0.weight"].shape);
        Assert.Equal(new long[] { dims, 5, 4, 4 }, sd["ps1.stem.0.weight"].shape);
        Assert.Equal(new long[] { dims, 2, 1, 1 }, sd["unwise.stem.0.weight"].shape);
        Assert.Equal(["galex", "ps1", "unwise"], net.EncoderSurveys.Select(s => s.EncoderKey));
    }

    [Fact]
    public void Each_encoder_sees_its_surveys_bands_and_segment()
    {
        foreach (var bands in Enum.GetValues<BandSet>())
        {
            using var net = Late(bands);
            var sd = net.state_dict();
            var surveys = BandSets.Surveys(bands);
            Assert.Equal(surveys.Length, net.Encoders.Count);
            for (int e = 0; e < net.Encoders.Count; e++)
            {
                var survey = net.EncoderSurveys[e];
                Assert.Equal(survey.Bands.Count, sd[survey.EncoderKey + ".stem.0.weight"].shape[1]);
                Assert.Equal(survey.Bands.Select(b => b.Channel), net.Encoders[e].Bands);
                Assert.Equal(survey.Index, net.Encoders[e].Segment);
            }
            foreach (var absent in BandTable.AllSurveys.Where(s => !surveys.Contains(s.Survey)))
                Assert.DoesNotContain(sd.Keys, k => k.StartsWith(absent.EncoderKey + ".", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Band_index_within_its_survey()
    {
        Assert.Equal([0, 1, 0, 1, 2, 3, 4, 0, 1], BandTable.All.Select(b => b.IndexInSurvey));
        Assert.Equal(BandTable.BandCount, BandTable.All.Count);
        Assert.Equal(BandTable.All.Count, BandTable.AllSurveys.Sum(s => s.Bands.Count));
    }

    [Fact]
    public void Services_and_encoder_names_come_from_the_table()
    {
        Assert.Equal([CutoutService.LegacySurveysViewer, CutoutService.PanStarrsFitscut, CutoutService.LegacySurveysViewer],
            BandTable.AllSurveys.Select(s => s.Service));
        Assert.Equal("galex", Cutouts.LegacySurveyClient.Layer(BandTable.Galex));
        Assert.Equal("unwise-neo7", Cutouts.LegacySurveyClient.Layer(BandTable.Unwise));
        Assert.Throws<ArgumentException>(() => Cutouts.LegacySurveyClient.Layer(BandTable.PanStarrs));
        Assert.Same(BandTable.Unwise, BandTable.ForEncoderKey("unwise"));
        Assert.Null(BandTable.ForEncoderKey("PS1"));
        Assert.Equal("galex, ps1, unwise", BandTable.EncoderKeys);
    }

    [Fact]
    public void All_zero_planes_mean_no_coverage_for_the_viewer_surveys_only()
    {
        CutoutSample Sample(Survey zeroed)
        {
            var planes = BandTable.All.Select(b =>
                Enumerable.Repeat(b.Survey == zeroed ? 0f : 1f, b.NativeSize * b.NativeSize).ToArray()).ToArray();
            return CutoutLoader.FromPlanes(planes, [860, 860, 860, 860, 860]);
        }
        Assert.Equal(SampleFlags.GalexNoCoverage, Sample(Survey.Galex).Flags);
        Assert.Equal(SampleFlags.UnwiseNoCoverage, Sample(Survey.Unwise).Flags);
        Assert.Equal(SampleFlags.None, Sample(Survey.PanStarrs).Flags); // PS1's gaps are NaN (the NaN rule), zeros are data
    }
}
