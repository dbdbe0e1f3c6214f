using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// Feature-wise maximum over the real positions, <c>context_k = max_{t ≤ L} x_{t,k}</c>. Its weights
/// are the share of the D features that each position supplied (they sum to 1). An all-padding row
/// gives a zero context and zero weights.
/// </summary>
public sealed class MaxPooling(long dimension) : SequencePooling(nameof(MaxPooling), dimension, masked: true)
{
    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var T = x.shape[1];
        var filled = x.masked_fill(mask.logical_not().unsqueeze(-1), Masking.MostNegative(x.dtype));   // (B, T, D)
        var (maxima, positions) = filled.max(1);                                          // (B, D), (B, D)
        var anyReal = mask.any(1, keepdim: true);                                         // (B, 1)
        var context = maxima.masked_fill(anyReal.logical_not(), 0);                       // (B, D)
        var wins = nn.functional.one_hot(positions, T).to_type(x.dtype).mean([1]);        // (B, T)
        var weights = wins.masked_fill(anyReal.logical_not(), 0);                         // (B, T)
        return new PoolingOutput(context, weights, null);
    }
}
