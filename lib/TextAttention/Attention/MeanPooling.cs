using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// The baseline every attention pooling must beat: the average of the real positions,
/// <c>context = (1/L) Σ_{t ≤ L} x_t</c>, i.e. attention with fixed weights 1/L. An all-padding row gives 0.
/// </summary>
public sealed class MeanPooling(long dimension) : SequencePooling(nameof(MeanPooling), dimension, masked: true)
{
    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var values = MaskInputs(x, mask);                                                 // (B, T, D)
        var weights = mask.to_type(x.dtype) / RealLengths(mask, x.dtype).unsqueeze(1);    // (B, T)
        var context = (weights.unsqueeze(-1) * values).sum(1);                            // (B, D)
        return new PoolingOutput(context, weights, null);
    }
}
