using MantisShrimp.Engine.Models;
using MantisShrimp.Engine.Surveys;
using MantisShrimp.Kernels.Input;

namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>The network input layouts, built from the band catalog.</summary>
public static class InputLayouts
{
    public static InputLayout Create(FusionKind kind, int batchCapacity)
    {
        var specs = BandTable.All.Select(b =>
        {
            var s = b.SurveyInfo;
            int output = kind == FusionKind.Early ? FusionInput.EarlySize : s.CropSize;
            int segment = kind == FusionKind.Early ? 0 : (int)b.Survey;
            return new ChannelSpec(segment, BandTable.NativePixelOffset(b.Band), s.NativeSize, s.CropSize, output, s.Transform);
        }).ToArray();
        return InputLayout.Create(specs, BandTable.NativePixelsPerSample, batchCapacity);
    }

    /// <summary>
    /// The network's input tensors ([n, C, H, W] per segment) copied out of a kernel output buffer holding
    /// <paramref name="samples"/> samples — for one-off batches; the training/scoring pipeline shares its pinned buffers instead.
    /// </summary>
    public static TorchSharp.torch.Tensor[] Tensors(InputLayout layout, float[] output, int samples, TorchSharp.torch.Device device) =>
        layout.Segments.Select(s => TorchSharp.torch.tensor(output.AsSpan((int)s.Base, samples * s.SampleStride).ToArray(),
            [samples, s.Channels, s.Height, s.Width]).to(device)).ToArray();
}
