namespace MantisShrimp.Engine.Shapley;

/// <summary>One redshift bin of the Fig. 9 analogue: per band, mean Shapley value and MM-SHAP with standard errors.</summary>
public sealed record ShapleyBin(double ZLo, double ZHi, int Count, double[] MeanShap, double[] SeShap, double[] MeanMm, double[] SeMm);
