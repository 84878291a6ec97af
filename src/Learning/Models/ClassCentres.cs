namespace MantisShrimp.Engine.Models;

/// <summary>How the centres of a model's redshift classes are defined.</summary>
public enum ClassCentres
{
    /// <summary>The engine's grid: bin centres (k + ½)·0.004 (<see cref="RedshiftGrid"/>).</summary>
    BinCentres,
    /// <summary>The published model's: numpy.linspace(0, 1.6, 400) — k·1.6/399 (models.trained_early, pipeline.evaluate).</summary>
    Linspace,
}
