using System.Reflection;
using NetArchTest.Rules;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The walls of docs/architecture.md: which engine assembly may reference which (a strict order, so no cycles), which
/// third-party assemblies each may not reference, which namespaces live where, and the namespace cycles that were
/// broken when the engine was split (issue 20) staying broken. References are read from the compiled assemblies
/// (the compiler records only the assemblies a build actually uses), namespace dependencies from the IL (NetArchTest).
/// </summary>
public class ArchitectureTests
{
    // Bottom to top: an assembly may reference only engine assemblies before it in this list.
    private static readonly (string Name, Assembly Assembly)[] Layers =
    [
        ("MantisShrimp.Kernels", typeof(Kernels.AcceleratorHost).Assembly),
        ("MantisShrimp.Astronomy", typeof(Fits.FitsFile).Assembly),
        ("MantisShrimp.Data", typeof(Data.ShardSet).Assembly),
        ("MantisShrimp.Learning", typeof(Training.Trainer).Assembly),
        ("MantisShrimp.Reporting", typeof(Plots.Figures).Assembly),
        ("MantisShrimp.Services", typeof(Forced.ForcedPhotoZ).Assembly),
    ];

    // Third-party assembly name prefixes an engine assembly may not reference: the astronomy core and the data layer
    // carry no ML, MPI, tabular-file, HTTP-resilience or plotting dependency; the ML part draws nothing and calls no
    // web service; reporting calls no web service.
    private static readonly string[] Ml = ["TorchSharp", "Microsoft.ML", "MPI", "Parquet"];
    private static readonly string[] Web = ["Polly"];
    private static readonly string[] Plotting = ["ScottPlot", "SkiaSharp"];

    public static TheoryData<string, string[]> Forbidden => new()
    {
        { "MantisShrimp.Astronomy", [.. Ml, .. Web, .. Plotting, "ILGPU"] },
        { "MantisShrimp.Data", [.. Ml, .. Web, .. Plotting, "ILGPU"] },
        { "MantisShrimp.Learning", [.. Web, .. Plotting] },
        { "MantisShrimp.Reporting", Web },
    };

    // Where each namespace lives. A namespace split over two assemblies lists both; the types in the upper one are
    // listed in docs/architecture.md.
    private static readonly Dictionary<string, string[]> Namespaces = new()
    {
        ["MantisShrimp.Astronomy"] = ["Common", "Fits", "Sky", "Dust", "Surveys", "Sources", ""],
        ["MantisShrimp.Data"] = ["Data", "Spectroscopy", "Simulation", "Diagnostics"],
        ["MantisShrimp.Learning"] = ["Data.Pipeline", "Compute", "Distributed", "Models", "Training", "Inference", "Calibration",
            "Shapley", "Tabular", "Evaluation"],
        ["MantisShrimp.Reporting"] = ["Plots", "Evaluation", "Experiments", "Benchmarks", "Diagnostics", "Shapley", "Simulation"],
        ["MantisShrimp.Services"] = ["Cutouts", "Forced", "Benchmarks"],
    };

    [Fact]
    public void Engine_assemblies_reference_only_the_layers_below_them()
    {
        var names = Layers.Select(l => l.Name).ToList();
        for (int i = 0; i < Layers.Length; i++)
        {
            Assert.Equal(Layers[i].Name, Layers[i].Assembly.GetName().Name);
            var above = Layers[i].Assembly.GetReferencedAssemblies().Select(a => a.Name!)
                .Where(n => names.Contains(n) && names.IndexOf(n) >= i).ToList();
            Assert.True(above.Count == 0, $"{Layers[i].Name} references {string.Join(", ", above)}, which is not below it");
        }
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Engine_assemblies_stay_off_the_packages_their_wall_excludes(string assembly, string[] forbidden)
    {
        var references = Layers.Single(l => l.Name == assembly).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var hits = references.Where(r => forbidden.Any(f => r == f || r.StartsWith(f + ".", StringComparison.Ordinal))).ToList();
        Assert.True(hits.Count == 0, $"{assembly} references {string.Join(", ", hits)}");
    }

    [Fact]
    public void Each_namespace_lives_in_its_documented_assembly()
    {
        foreach (var (name, assembly) in Layers.Skip(1))
        {
            var allowed = Namespaces[name].Select(n => n.Length == 0 ? "MantisShrimp.Engine" : "MantisShrimp.Engine." + n).ToHashSet();
            var strays = assembly.GetTypes().Where(t => t.Namespace is { } ns
                && ns.StartsWith("MantisShrimp.Engine", StringComparison.Ordinal)
                    && !allowed.Contains(ns) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
                .Select(t => t.FullName).ToList();
            Assert.True(strays.Count == 0, $"{name} holds types of undocumented namespaces: {string.Join(", ", strays)}");
        }
    }

    // Namespace cycles inside MantisShrimp.Learning broken by moving a type to where it belongs: Checkpoint (the model
    // file) to Models, so Models, Inference, Calibration and Shapley no longer reach into Training; FusionKind next to the
    // network config in Models and the model card's early-fusion input size read from the band table, so Models no
    // longer reaches into the input pipeline; CalibrationRunner (the calibrate job, which runs the predictor) to
    // Inference, so CalPIT no longer reaches into Inference while the score job applies it.
    [Theory]
    [InlineData("MantisShrimp.Engine.Models", "MantisShrimp.Engine.Training")]
    [InlineData("MantisShrimp.Engine.Models", "MantisShrimp.Engine.Data.Pipeline")]
    [InlineData("MantisShrimp.Engine.Inference", "MantisShrimp.Engine.Training")]
    [InlineData("MantisShrimp.Engine.Calibration", "MantisShrimp.Engine.Training")]
    [InlineData("MantisShrimp.Engine.Shapley", "MantisShrimp.Engine.Training")]
    [InlineData("MantisShrimp.Engine.Data.Pipeline", "MantisShrimp.Engine.Training")]
    [InlineData("MantisShrimp.Engine.Calibration", "MantisShrimp.Engine.Inference")]
    public void Broken_namespace_cycles_stay_broken(string from, string to)
    {
        var result = Types.InAssemblies(Layers.Select(l => l.Assembly)).That().ResideInNamespace(from)
            .ShouldNot().HaveDependencyOn(to).GetResult();
        Assert.True(result.IsSuccessful,
            $"{from} depends on {to} again: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
