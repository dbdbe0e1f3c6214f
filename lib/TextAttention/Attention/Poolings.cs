namespace TextAttention.Attention;

/// <summary>Options that only some poolings use.</summary>
/// <param name="Heads">Heads of <c>mhsa</c>; D must be a multiple.</param>
/// <param name="Bidirectional">Whether <c>last</c> reads a bidirectional encoder's two halves.</param>
public sealed record PoolingOptions(long Heads = 4, bool Bidirectional = true);

/// <summary>
/// Every pooling by its stable name, as the command line, the experiments and the notebooks choose
/// them. Masked forms are the default; the blog post's exact unmasked forms keep "-unmasked" names.
/// </summary>
public static class Poolings
{
    /// <summary>
    /// The blog post's two forms, under their names here: <c>attention_1</c> is <c>dot-self-unmasked</c>,
    /// <c>attention_2</c> is <c>han-unmasked</c>. Every comparison of "the post's claim" uses this pair.
    /// </summary>
    public static (string Attention1, string Attention2) BlogPost { get; } = ("dot-self-unmasked", "han-unmasked");

    private static readonly (string Name, string Description, Func<long, PoolingOptions, SequencePooling> Create)[] Catalogue =
    [
        ("dot-self", "scaled dot-product self-attention, summed over queries (attention_1, masked)", (d, _) => new DotProductSelfAttention(d, QueryReduction.Sum)),
        ("dot-self-mean", "scaled dot-product self-attention, averaged over queries (masked)", (d, _) => new DotProductSelfAttention(d, QueryReduction.Mean)),
        ("dot-self-unmasked", "the blog post's attention_1 exactly: softmax(x xᵀ/√d) x summed over the sequence", (d, _) => new DotProductSelfAttention(d, QueryReduction.Sum, masked: false)),
        ("dot-self-mean-unmasked", "attention_1 averaged over queries, without a mask", (d, _) => new DotProductSelfAttention(d, QueryReduction.Mean, masked: false)),
        ("han", "HAN word attention with a learned context vector u_w (attention_2, masked)", (d, _) => new ContextVectorAttention(d)),
        ("han-bias", "HAN word attention with the paper's bias b_w (masked)", (d, _) => new ContextVectorAttention(d, bias: true)),
        ("han-unmasked", "the blog post's attention_2 exactly: no bias, no mask", (d, _) => new ContextVectorAttention(d, masked: false)),
        ("last", "final hidden states: forward at the last real token, backward at the first", (d, o) => new LastStatePooling(d, o.Bidirectional)),
        ("mean", "mean over real tokens", (d, _) => new MeanPooling(d)),
        ("sum", "sum over real tokens: the control for attention_1, whose column sums average 1", (d, _) => new SumPooling(d)),
        ("max", "feature-wise max over real tokens", (d, _) => new MaxPooling(d)),
        ("mhsa", "multi-head self-attention (scaled_dot_product_attention), then the mean over real tokens", (d, o) => new MultiHeadSelfAttentionPooling(d, o.Heads)),
    ];

    /// <summary>The stable names, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = Catalogue.Select(c => c.Name).ToArray();

    /// <summary>A one-line description of the pooling called <paramref name="name"/>.</summary>
    public static string Describe(string name) => Find(name).Description;

    /// <summary>A new pooling for encoder outputs of width <paramref name="dimension"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static SequencePooling Create(string name, long dimension, PoolingOptions? options = null) =>
        Find(name).Create(dimension, options ?? new PoolingOptions());

    private static (string Name, string Description, Func<long, PoolingOptions, SequencePooling> Create) Find(string name)
    {
        foreach (var entry in Catalogue)
        {
            if (string.Equals(entry.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        throw new ArgumentException($"'{name}' is not a pooling; choose one of: {string.Join(", ", Names)}.", nameof(name));
    }
}
