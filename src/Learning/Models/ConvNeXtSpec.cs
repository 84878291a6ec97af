namespace MantisShrimp.Engine.Models;

/// <summary>A ConvNeXt size: widths and depths per stage (Liu et al. 2022; the small variants from timm).</summary>
public sealed record ConvNeXtSpec(string Name, int[] Dims, int[] Depths, bool ConvMlp)
{
    public static readonly ConvNeXtSpec Atto = new("convnext-atto", [40, 80, 160, 320], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Femto = new("convnext-femto", [48, 96, 192, 384], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Pico = new("convnext-pico", [64, 128, 256, 512], [2, 2, 6, 2], true);
    public static readonly ConvNeXtSpec Nano = new("convnext-nano", [80, 160, 320, 640], [2, 2, 8, 2], true);
    public static readonly ConvNeXtSpec Tiny = new("convnext-tiny", [96, 192, 384, 768], [3, 3, 9, 3], false);
    public static readonly ConvNeXtSpec Small = new("convnext-small", [96, 192, 384, 768], [3, 3, 27, 3], false);
    public static readonly ConvNeXtSpec Base = new("convnext-base", [128, 256, 512, 1024], [3, 3, 27, 3], false);
    public static readonly ConvNeXtSpec Large = new("convnext-large", [192, 384, 768, 1536], [3, 3, 27, 3], false);
    /// <summary>Not a published size: a very small network for the CPU demo and tests.</summary>
    public static readonly ConvNeXtSpec Demo = new("convnext-demo", [16, 32, 64, 128], [1, 1, 2, 1], true);

    public static readonly ConvNeXtSpec[] All = [Atto, Femto, Pico, Nano, Tiny, Small, Base, Large, Demo];

    public static ConvNeXtSpec Parse(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || s.Name.Replace("-", "_").Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Common.UserInputException($"Unknown backbone '{name}' ({string.Join(", ", All.Select(s => s.Name))})");

    public int Features => Dims[^1];
}
