using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// Masks mark real tokens with <c>true</c> and padding with <c>false</c>, shape (B, T).
/// Derived in <c>03-masks-and-padding</c>.
/// </summary>
public static class Masking
{
    /// <summary>The mask of sequences of the given lengths padded to <paramref name="maxLength"/>: (B) → (B, T).</summary>
    public static Tensor FromLengths(Tensor lengths, long maxLength)
    {
        if (lengths.dim() != 1)
        {
            throw new ArgumentException($"lengths must have shape (B); got {Shape(lengths)}.", nameof(lengths));
        }

        var positions = arange(maxLength, device: lengths.device);   // (T)
        return positions.unsqueeze(0) < lengths.unsqueeze(1);       // (B, T)
    }

    /// <summary>
    /// Softmax over <paramref name="dim"/> in which masked-out positions get exactly zero weight:
    /// <c>softmax(s)_t = m_t e^{s_t} / Σ_j m_j e^{s_j}</c>. The mask must broadcast to the scores.
    /// A slice with no real position gets all-zero weights (not NaN), and gradients stay finite.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor scores, Tensor mask, long dim = -1)
    {
        // A finite fill (not -inf) keeps an all-padding slice finite: it softmaxes to uniform
        // weights there, which the final masked_fill then zeroes. For a slice with a real position,
        // exp(fill - max) underflows to exactly 0.
        var filled = scores.masked_fill(mask.logical_not(), MostNegative(scores.dtype));
        return filled.softmax(dim).masked_fill(mask.logical_not(), 0);
    }

    /// <summary>The most negative finite value of a floating-point type.</summary>
    public static double MostNegative(ScalarType dtype) => finfo(dtype).min;

    /// <summary>"(2, 3, 4)": a tensor's shape as error messages print it.</summary>
    public static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
