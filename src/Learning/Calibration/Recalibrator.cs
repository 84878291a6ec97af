namespace MantisShrimp.Engine.Calibration;

/// <summary>
/// What <c>--calibration CALIB</c> gives predict, score and serve: PDFs recalibrated from the engine's photometric
/// features (<see cref="CalibrationFeatures"/>, engine band order). The engine's own CalPIT (<c>mantis calibrate</c>) and
/// the published Mantis Shrimp CalPIT (<c>mantis import-calibration</c>) are two implementations; the folder says which.
/// </summary>
public interface IRecalibrator : IDisposable
{
    /// <summary>Recalibrated class probabilities (each row sums to 1) for class probabilities and feature rows.</summary>
    float[][] Recalibrate(IReadOnlyList<float[]> probabilities, IReadOnlyList<float[]> features);
}

public static class Recalibrators
{
    /// <summary>The calibration in a folder: an imported published CalPIT when it holds one, else the engine's.</summary>
    public static IRecalibrator Load(string directory) =>
        File.Exists(Path.Combine(directory, PublishedCalPit.ManifestFile)) ? PublishedCalPit.Load(directory) : CalPit.Load(directory);
}
