using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// The modern reference point: one Transformer-style multi-head self-attention layer over the
/// encoder outputs, computed by TorchSharp's fused <c>scaled_dot_product_attention</c>, then the
/// mean over the real positions. With h heads of width d_h = D/h:
/// <code>
///   Q = x W_Q,  K = x W_K,  V = x W_V                 (B, h, T, d_h) after splitting heads
///   A^h = softmax(Q^h K^hᵀ / √d_h + mask)             (B, h, T, T)
///   y = concat_h(A^h V^h) W_O                         (B, T, D)
///   context = (1/L) Σ_{i ≤ L} y_i                     (B, D)
/// </code>
/// Weights (B, T) are the head-averaged column means of A over the real queries, the share of each
/// position's value in the context before W_O; Matrix (B, T, T) is the head-averaged A. With every
/// projection the identity and one head this is <see cref="DotProductSelfAttention"/> with
/// <see cref="QueryReduction.Mean"/>. The explicit A costs a second T×T product; it is computed only when
/// the weights are asked for (a prediction, a plot), never while training (<see cref="SequencePooling.Context"/>).
/// </summary>
public sealed class MultiHeadSelfAttentionPooling : SequencePooling
{
    private readonly Linear W_Q;
    private readonly Linear W_K;
    private readonly Linear W_V;
    private readonly Linear W_O;

    public MultiHeadSelfAttentionPooling(long dimension, long heads = 4)
        : base(nameof(MultiHeadSelfAttentionPooling), dimension, masked: true)
    {
        if (heads < 1 || dimension % heads != 0)
        {
            throw new ArgumentException($"the width D = {dimension} must split evenly into heads; got {heads} heads.", nameof(heads));
        }

        Heads = heads;
        W_Q = nn.Linear(dimension, dimension);
        W_K = nn.Linear(dimension, dimension);
        W_V = nn.Linear(dimension, dimension);
        W_O = nn.Linear(dimension, dimension);
        RegisterComponents();
    }

    public long Heads { get; }

    public override bool IsSelfAttention => true;

    public override bool HasAttention => true;

    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var (context, perHead, queries, lengths) = Compute(x, mask, withMatrix: true);
        var matrix = perHead!.mean([1]) * queries.unsqueeze(-1);                                // (B, T, T), padded query rows 0
        var weights = matrix.sum(1) / lengths;                                                 // (B, T)
        return new PoolingOutput(context, weights, matrix);
    }

    /// <summary>Only the fused product: the explicit matrix, and with it the weights, are left out.</summary>
    protected override Tensor PoolContext(Tensor x, Tensor mask) => Compute(x, mask, withMatrix: false).Context;

    private (Tensor Context, Tensor? PerHead, Tensor Queries, Tensor Lengths) Compute(Tensor x, Tensor mask, bool withMatrix)
    {
        long B = x.shape[0], T = x.shape[1], D = x.shape[2];
        var d_h = D / Heads;
        var values = MaskInputs(x, mask);                                                      // (B, T, D)
        var q = SplitHeads(W_Q.forward(values), B, T, d_h);                                   // (B, h, T, d_h)
        var k = SplitHeads(W_K.forward(values), B, T, d_h);                                   // (B, h, T, d_h)
        var v = SplitHeads(W_V.forward(values), B, T, d_h);                                   // (B, h, T, d_h)

        // The explicit A is needed for display and to replace the weights; the fused product never forms it.
        var perHead = withMatrix || Intervention != AttentionIntervention.None
            ? Intervene(Masking.MaskedSoftmax(matmul(q, k.transpose(2, 3)) / Math.Sqrt(d_h), mask.view(B, 1, 1, T)), mask.view(B, 1, 1, T))   // (B, h, T, T)
            : null;
        Tensor heads;
        if (Intervention == AttentionIntervention.None)
        {
            // An additive mask with a finite fill: padded keys get weight 0, and an all-padding row stays finite.
            var keyMask = zeros(B, 1, 1, T, dtype: x.dtype, device: x.device)
                .masked_fill(mask.logical_not().view(B, 1, 1, T), Masking.MostNegative(x.dtype));  // (B, 1, 1, T)
            heads = nn.functional.scaled_dot_product_attention(q, k, v, keyMask, 0.0, false);       // (B, h, T, d_h), fused
        }
        else
        {
            heads = matmul(perHead!, v);                                                           // (B, h, T, d_h), replaced weights
        }

        var y = W_O.forward(heads.transpose(1, 2).reshape(B, T, D));                          // (B, T, D)
        var queries = mask.to_type(x.dtype);                                                   // (B, T)
        var lengths = RealLengths(mask, x.dtype).unsqueeze(1);                                 // (B, 1)
        var context = (y * queries.unsqueeze(-1)).sum(1) / lengths;                            // (B, D)
        return (context, perHead, queries, lengths);
    }

    private Tensor SplitHeads(Tensor t, long B, long T, long d_h) =>
        t.view(B, T, Heads, d_h).transpose(1, 2);                                              // (B, h, T, d_h)
}
