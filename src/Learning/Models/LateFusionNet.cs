using MantisShrimp.Engine.Surveys;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MantisShrimp.Engine.Models;

/// <summary>
/// Late fusion: one encoder per survey of the band set, built from the survey table (<see cref="SurveyInfo.EncoderKey"/>,
/// stem patch, backbone size, band count); latents ⊕ E(B−V) → MLP → classes.
/// </summary>
public sealed class LateFusionNet : PhotoZNetwork, IFactorisedFusion
{
    // Each encoder is registered under its survey's key (register_module("ps1", …)), not held in a ModuleDict, whose
    // name would prefix every state-dict key: checkpoints and exported weights keep the keys galex.…, ps1.…, unwise.….
    // An array is not a module field, so RegisterComponents leaves it alone.
    private readonly (SurveyInfo Survey, ConvNeXt Encoder)[] _encoders;
    private readonly Sequential head;

    public LateFusionNet(NetworkConfig config) : base("LateFusion")
    {
        var surveys = BandSets.Surveys(config.Bands);
        var big = ConvNeXtSpec.Parse(config.Backbone);
        var small = ConvNeXtSpec.Parse(config.SmallBackbone ?? config.Backbone);
        var encoders = new List<(SurveyInfo, ConvNeXt)>();
        long features = 0;
        foreach (var survey in BandTable.AllSurveys.Where(s => surveys.Contains(s.Survey)))
        {
            var spec = survey.EncoderUsesSmallBackbone ? small : big;
            var encoder = new ConvNeXt(spec, survey.Bands.Count, dropPathRate: config.DropPath, stemPatch: survey.EncoderStemPatch,
                dropPathRandom: DropPathRandom);
            register_module(survey.EncoderKey, encoder);
            encoders.Add((survey, encoder));
            features += spec.Features;
        }
        _encoders = [.. encoders];
        head = Head(features, config);
        RegisterComponents();
        // Each encoder reads its survey's segment and sees that survey's bands.
        Encoders = _encoders.Select(e => new FusionEncoder(e.Survey.Index, e.Survey.Bands.Select(b => b.Channel).ToArray())).ToArray();
    }

    public IReadOnlyList<FusionEncoder> Encoders { get; }

    /// <summary>The surveys whose encoders this network has, in fusion order.</summary>
    public IReadOnlyList<SurveyInfo> EncoderSurveys => _encoders.Select(e => e.Survey).ToArray();

    public Tensor Encode(int encoder, Tensor input) => _encoders[encoder].Encoder.call(input);

    public Tensor Fuse(IReadOnlyList<Tensor> features, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        return head.call(cat([.. features, ebv], 1)).MoveToOuterDisposeScope();
    }

    protected override IReadOnlyList<(Module Module, bool Timm)> InitialisationParts() =>
        [.. _encoders.Select(e => ((Module)e.Encoder, true)), (head, false)];

    public override Tensor forward(Tensor[] inputs, Tensor ebv)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var (survey, encoder) in _encoders) parts.Add(encoder.call(inputs[survey.Index]));
        parts.Add(ebv);
        return head.call(cat(parts, 1)).MoveToOuterDisposeScope();
    }
}
