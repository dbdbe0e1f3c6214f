using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>How <see cref="DotProductSelfAttention"/> turns its T outputs into one vector.</summary>
public enum QueryReduction
{
    /// <summary>Sum over the queries, as the blog post's <c>attention_1</c> does: weights total T.</summary>
    Sum,

    /// <summary>Mean over the (real) queries: weights total 1, so the output does not grow with T.</summary>
    Mean,
}

/// <summary>
/// Parameter-free scaled dot-product self-attention followed by a reduction over the queries; the
/// blog post's <c>attention_1</c> ("from the definition") when unmasked with <see cref="QueryReduction.Sum"/>.
/// Derived in <c>01-attention-from-the-definition</c>; masks in <c>03-masks-and-padding</c>.
/// <code>
///   A       = softmax(x xᵀ / √d)                 (B, T, T), each row sums to 1      (1)
///   context = Σ_i (A x)_i = Σ_j c_j x_j,  c_j = Σ_i A_ij   (B, D), Σ_j c_j = T      (2)
/// </code>
/// Queries, keys and values are all <c>x</c>; <c>d</c> = D. Masked, padded keys get weight 0
/// (masked softmax), padded queries are dropped from the sum, and the mean divides by the number
/// of real tokens L instead of T.
/// </summary>
public sealed class DotProductSelfAttention : SequencePooling
{
    public DotProductSelfAttention(long dimension, QueryReduction reduction = QueryReduction.Sum, bool masked = true)
        : base(nameof(DotProductSelfAttention), dimension, masked)
    {
        Reduction = reduction;
    }

    public QueryReduction Reduction { get; }

    public override bool IsSelfAttention => true;

    public override bool HasAttention => true;

    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var d_k = x.shape[2];
        var values = MaskInputs(x, mask);                                         // (B, T, D)
        var scores = matmul(values, values.transpose(1, 2)) / Math.Sqrt(d_k);     // (B, T, T)
        Tensor matrix;
        if (IsMasked)
        {
            var keys = mask.unsqueeze(1);                                         // (B, 1, T)
            var queries = mask.unsqueeze(2);                                      // (B, T, 1)
            matrix = Intervene(Masking.MaskedSoftmax(scores, keys), keys).masked_fill(queries.logical_not(), 0);   // (B, T, T)
        }
        else
        {
            matrix = Intervene(softmax(scores, -1), ones_like(mask).unsqueeze(1)); // (B, T, T)
        }

        var perQuery = matmul(matrix, values);                                    // (B, T, D)
        var context = perQuery.sum(1);                                            // (B, D), equation (2)
        var weights = matrix.sum(1);                                              // (B, T), c_j = Σ_i A_ij
        if (Reduction == QueryReduction.Mean)
        {
            var lengths = IsMasked ? RealLengths(mask, x.dtype) : full(x.shape[0], (double)x.shape[1], dtype: x.dtype, device: x.device);   // (B)
            context = context / lengths.unsqueeze(1);                             // (B, D)
            weights = weights / lengths.unsqueeze(1);                             // (B, T)
        }

        return new PoolingOutput(context, weights, matrix);
    }
}
