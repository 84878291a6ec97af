using MantisShrimp.Engine.Tabular;
using MantisShrimp.Engine.Data;

namespace MantisShrimp.Engine.Tests;

public class TabularModelTests(ToyShardsFixture toy) : IClassFixture<ToyShardsFixture>
{
    [Fact]
    public void Gaussian_pdf_is_normalised_and_centred()
    {
        var p = TabularModel.GaussianPdf(0.5, 0.05);
        Assert.Equal(1.0, p.Sum(v => (double)v), 5);
        var s = Inference.PdfSummary.From(p);
        Assert.Equal(0.5, s.Mean, 3);
        Assert.Equal(0.05, s.Std, 3);
        Assert.Equal(0.5 - 0.05, s.Lo68, 2);
        Assert.Equal(0.0, TabularModel.Erf(0), 7);
        Assert.Equal(0.8427007929, TabularModel.Erf(1), 6);
        // Truncated at the grid's edge: still normalised.
        Assert.Equal(1.0, TabularModel.GaussianPdf(-0.02, 0.01).Sum(v => (double)v), 5);
    }

    [Fact]
    public void Tabular_model_predicts_every_test_galaxy_deterministically()
    {
        var a = TabularModel.TrainAndPredict(toy.Set, Splits.Test, 3);
        var b = TabularModel.TrainAndPredict(toy.Set, Splits.Test, 3);
        Assert.Equal(toy.Set.ForSplit(Splits.Test).Sum(s => s.Count), a.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Probabilities, b[i].Probabilities);
        Assert.All(a, p => Assert.Equal(1.0, p.Probabilities.Sum(v => (double)v), 4));
    }
}
