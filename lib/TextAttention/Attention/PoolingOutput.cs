using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// What every pooling returns for encoder outputs <c>x</c> of shape (B, T, D).
/// </summary>
/// <param name="Context">The pooled vector per sequence, (B, D).</param>
/// <param name="Weights">
/// How much each position contributed to <paramref name="Context"/>, (B, T): the attention weights
/// for HAN attention, the column sums of the attention matrix for dot-product self-attention (they
/// total the number of real tokens for the blog post's sum over queries, and 1 for the mean), 1/L for
/// mean pooling, the share of features each position won for max pooling, and ½ at the two
/// positions that the last-state pooling reads. Padded positions get exactly 0 in masked variants.
/// </param>
/// <param name="Matrix">
/// For self-attention only, the full attention matrix (B, T, T): row i holds query i's weights over
/// the keys. Rows of padded queries are 0 in masked variants. Null for the other poolings.
/// </param>
public sealed record PoolingOutput(Tensor Context, Tensor Weights, Tensor? Matrix);
