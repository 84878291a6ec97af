namespace MantisShrimp.Engine.Models;

/// <summary>What is done with NaN pixels before the intensity transforms (which map any NaN left to 0).</summary>
public enum NanTreatment
{
    /// <summary>NaN → 0 after the transform (the engine's models).</summary>
    Zero,
    /// <summary>
    /// PS1 bands inpainted with Telea's method, radius <see cref="ModelCard.InpaintRadius"/>, before the transforms
    /// (preprocess.NAN_interpolation2: cv2.inpaint(..., 3, cv2.INPAINT_TELEA) per band); then NaN → 0.
    /// </summary>
    TeleaPanStarrs,
}
