using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// The control for <c>attention_1</c>: the plain sum of the real positions, <c>context = Σ_{t ≤ L} x_t</c>, i.e.
/// fixed weights 1 on every real token. Summing <c>attention_1</c>'s output over queries gives
/// <c>Σ_j c_j x_j</c> with column sums <c>c_j</c> that average 1 (notebook 01), so if <c>attention_1</c> works
/// through its total weight and scale rather than through which tokens it weights, it cannot beat this.
/// An all-padding row gives 0.
/// </summary>
public sealed class SumPooling(long dimension) : SequencePooling(nameof(SumPooling), dimension, masked: true)
{
    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var weights = mask.to_type(x.dtype);                                   // (B, T): 1 on real tokens
        var context = (weights.unsqueeze(-1) * MaskInputs(x, mask)).sum(1);    // (B, D)
        return new PoolingOutput(context, weights, null);
    }
}
