namespace MantisShrimp.Engine.Compute;

/// <summary>
/// Arithmetic of the network's convolutional backbones at inference (<c>--precision fp32|bf16</c>). With bf16 the
/// ConvNeXt backbones hold bfloat16 weights and compute in bfloat16 (oneDNN's AVX-512 BF16 kernels on the CPU); the
/// fusion head, the softmax and everything after it (PDF, summaries, CalPIT, E[z]) stay float32. fp32 is the default
/// and runs exactly the float32 network.
/// </summary>
public enum InferencePrecision
{
    Fp32,
    Bf16,
}
